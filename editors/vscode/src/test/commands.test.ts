// The Build partition…, Check workspace and Show graph commands against the
// mocked vscode API. The tools are shell scripts in a temporary directory: the
// fake `databuild` logs its arguments, prints the graph the test wrote beside it,
// and refuses `--focus nowhere` as the analyzer refuses a name it does not know.
import { answers, calls, editorState, reset, settings, tempDir, writeExecutable } from './vscodeMock';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';
import { buildPartition, checkWorkspace, showGraph } from '../commands';

const GRAPH = JSON.stringify({
  nodes: [
    { id: 'dataset:clicks', kind: 'dataset', name: 'clicks', external: true },
    { id: 'job:daily', kind: 'job', name: 'daily' },
  ],
  edges: [{ from: 'dataset:clicks', to: 'job:daily', port: 'b' }],
});

let root: string;
let analyzer: string;
let runtime: string;

/** A workspace with jobs.dbuild one directory down, open in the editor, cursor on `word`. */
beforeEach(() => {
  reset();
  const dir = tempDir();
  root = path.join(dir, 'ws');
  fs.mkdirSync(path.join(root, 'jobs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'workspace.dbuild'), 'workspace w {}\n');
  analyzer = writeExecutable(
    path.join(dir, 'bin', 'databuild'),
    'echo "$*" >> "$0.log"\n' +
      'case "$*" in *"--focus nowhere"*) echo "no dataset or job named nowhere" >&2; exit 1;; esac\n' +
      'cat "$0.json"',
  );
  fs.writeFileSync(`${analyzer}.json`, GRAPH);
  runtime = writeExecutable(path.join(dir, 'bin', 'databuild-run'));
  settings.set('databuild.analyzer.path', analyzer);
  settings.set('databuild.runtime.path', runtime);
  editorState.folder = dir;
  editorState.document = {
    uri: { scheme: 'file', fsPath: path.join(root, 'jobs', 'jobs.dbuild') },
    languageId: 'databuild',
  };
});

function analyzerRuns(): string[] {
  return fs.readFileSync(`${analyzer}.log`, 'utf8').trim().split('\n');
}

test('Build partition… checks the ref and runs databuild-run build REF with no shell', async () => {
  answers.inputBox = ' clean_events/date=2024-01-03/region=us ';
  await buildPartition();
  const validate = calls.inputBoxes[0].validateInput as (text: string) => string | undefined;
  assert.equal(validate('clean_events/date=2024-01-03'), undefined);
  assert.match(validate('clean_events/date') ?? '', /not KEY=VALUE/);
  assert.equal(calls.terminals.length, 1);
  const { options, shown } = calls.terminals[0];
  assert.equal(options.shellPath, runtime);
  assert.deepEqual(options.shellArgs, ['build', 'clean_events/date=2024-01-03/region=us']);
  assert.equal(options.cwd, root);
  assert.equal(shown, true);
});

test('Build partition… does nothing when the input box is dismissed', async () => {
  await buildPartition();
  assert.equal(calls.terminals.length, 0);
  assert.deepEqual(calls.errors, []);
});

test('Build partition… names the setting when databuild-run is missing', async () => {
  settings.set('databuild.runtime.path', '/nonexistent/databuild-run');
  answers.inputBox = 'clicks/day=2024-01-01';
  await buildPartition();
  assert.equal(calls.terminals.length, 0);
  assert.match(calls.errors[0].message, /setting databuild\.runtime\.path/);
});

test('Check workspace runs databuild check in the workspace root', () => {
  checkWorkspace();
  assert.equal(calls.terminals[0].options.shellPath, analyzer);
  assert.deepEqual(calls.terminals[0].options.shellArgs, ['check']);
  assert.equal(calls.terminals[0].options.cwd, root);
});

test('a file outside any workspace gets an error, not a terminal', () => {
  const outside = tempDir();
  editorState.folder = outside;
  editorState.document = { uri: { scheme: 'file', fsPath: path.join(outside, 'x.dbuild') }, languageId: 'databuild' };
  checkWorkspace();
  assert.equal(calls.terminals.length, 0);
  assert.match(calls.errors[0].message, /no workspace\.dbuild/);
});

test('Show graph focuses the name under the cursor, as deep as the setting says', async () => {
  settings.set('databuild.graph.depth', 3);
  editorState.document = { ...editorState.document!, word: 'clicks' };
  await showGraph();
  assert.deepEqual(analyzerRuns(), ['graph --format json --focus clicks --depth 3']);
  assert.equal(calls.panels[0].title, 'DataBuild graph: clicks, depth 3');
  assert.match(calls.panels[0].html, /<g class="node kind-dataset external focus">/);
});

test('Show graph falls back to the whole graph when the analyzer refuses the focus', async () => {
  editorState.document = { ...editorState.document!, word: 'nowhere' };
  await showGraph();
  assert.deepEqual(analyzerRuns(), ['graph --format json --focus nowhere --depth 2', 'graph --format json']);
  assert.equal(calls.panels[0].title, 'DataBuild graph: ws');
  assert.deepEqual(calls.errors, []);
});

test('Show graph outside a .dbuild editor shows the whole graph', async () => {
  editorState.document = { ...editorState.document!, languageId: 'plaintext', word: 'clicks' };
  await showGraph();
  assert.deepEqual(analyzerRuns(), ['graph --format json']);
  assert.equal(calls.panels.length, 1);
});

test('Show graph reports output it cannot read instead of drawing it', async () => {
  fs.writeFileSync(`${analyzer}.json`, '{"nodes": 1}');
  await showGraph();
  assert.equal(calls.panels.length, 0);
  assert.match(calls.errors[0].message, /unexpected output: "nodes" must be an array/);
});
