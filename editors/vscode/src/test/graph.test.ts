// Graph JSON → webview model: parsing both spellings, rejecting bad shapes,
// layout (ranks, cycles, focus) and the SVG/HTML the webview shows.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { GraphFormatError, parseGraph } from '../graph';
import { graphHtml, layoutGraph, renderSvg } from '../graphView';

// out/test/ → editors/vscode/test/fixtures
const FIXTURE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'quickstart-graph.json');
const quickstart = () => parseGraph(fs.readFileSync(FIXTURE, 'utf8'));

test('reads the analyzer\'s version 1 (name, port, external)', () => {
  const graph = quickstart();
  assert.equal(graph.nodes.length, 13);
  assert.deepEqual(graph.nodes[0], {
    id: 'dataset:raw_events',
    kind: 'dataset',
    label: 'raw_events',
    external: true,
  });
  assert.deepEqual(graph.edges[0], { from: 'dataset:raw_events', to: 'job:clean', label: 'raw' });
});

test('reads the documented shape (label), label defaulting to the id', () => {
  const graph = parseGraph(
    '{"nodes":[{"id":"a","kind":"dataset","label":"A"},{"id":"b","kind":"job"}],' +
      '"edges":[{"from":"a","to":"b","label":"in"},{"from":"b","to":"a"}]}',
  );
  assert.deepEqual(
    graph.nodes.map((n) => n.label),
    ['A', 'b'],
  );
  assert.deepEqual(
    graph.edges.map((e) => e.label),
    ['in', ''],
  );
});

test('bad shapes are reported precisely', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /^not JSON/],
    ['[]', /must be a JSON object/],
    ['{"edges":[]}', /"nodes" must be an array/],
    ['{"nodes":[{"kind":"job"}],"edges":[]}', /nodes\[0\]: "id" must be a string/],
    ['{"nodes":[{"id":"a","kind":"job"},{"id":"a","kind":"job"}],"edges":[]}', /duplicate id "a"/],
    ['{"nodes":[{"id":"a","kind":"job"}],"edges":[{"from":"a","to":"x"}]}', /edges\[0\]: no node has id "x"/],
    ['{"nodes":[{"id":"a","kind":3}],"edges":[]}', /"kind" must be a string/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseGraph(text), (e: Error) => e instanceof GraphFormatError && message.test(e.message), text);
  }
});

test('layout ranks data left to right and draws the recursive edge below', () => {
  const layout = layoutGraph(quickstart(), 'running_total');
  const x = (id: string) => layout.nodes.find((n) => n.id === id)?.x ?? -1;
  assert.ok(x('dataset:raw_events') < x('job:clean'));
  assert.ok(x('job:clean') < x('dataset:clean_events'));
  assert.ok(x('dataset:active_users_7d') < x('job:accumulate'));
  assert.ok(x('job:accumulate') < x('dataset:running_total'));
  const back = layout.edges.filter((e) => e.back);
  assert.deepEqual(
    back.map((e) => `${e.from}->${e.to}`),
    ['dataset:running_total->job:accumulate'],
  );
  assert.deepEqual(
    layout.nodes.filter((n) => n.focus).map((n) => n.id),
    ['dataset:running_total'],
  );
  for (const node of layout.nodes) {
    assert.ok(node.x + node.width <= layout.width && node.y + node.height <= layout.height, node.id);
  }
});

test('SVG and HTML escape labels and carry the classes the stylesheet uses', () => {
  const graph = parseGraph(
    '{"nodes":[{"id":"d","kind":"dataset","label":"<a&b>","external":true},' +
      '{"id":"j","kind":"job","label":"j"}],"edges":[{"from":"d","to":"j","label":"x\\"y"}]}',
  );
  const svg = renderSvg(layoutGraph(graph, 'j'));
  assert.match(svg, /&#60;a&#38;b&#62;/);
  assert.doesNotMatch(svg, /<a&b>/);
  assert.match(svg, /class="node kind-dataset external"/);
  assert.match(svg, /class="node kind-job focus"/);
  assert.match(svg, />x&#34;y<\/text>/);
  const html = graphHtml(svg, 'T <1>', 'N0nce');
  assert.match(html, /content="default-src 'none'; style-src 'nonce-N0nce';"/);
  assert.match(html, /<title>T &#60;1&#62;<\/title>/);
  assert.doesNotMatch(html, /<script/);
});
