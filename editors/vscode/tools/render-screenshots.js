// Renders the README's screenshots from the extension's real code, offline:
//   images/graph.png         the graph webview's SVG (out/graphView.js) for the
//                            quickstart graph in test/fixtures, Dark+ colours;
//   images/highlighting.png  examples/quickstart/metrics.dbuild tokenized by the
//                            TextMate grammar with vscode-textmate (what VS Code
//                            uses), coloured with a Dark+ subset.
// SVG → PNG needs rsvg-convert (Debian: librsvg2-bin); a maintainer's tool, not CI's.
// Usage, after `npx tsc -p .`: node tools/render-screenshots.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const { parseGraph } = require('../out/graph');
const { layoutGraph, renderSvg } = require('../out/graphView');

const HERE = path.join(__dirname, '..');
const BACKGROUND = '#1e1e1e';
const FOREGROUND = '#d4d4d4';

function writePng(name, svg) {
  const svgFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'databuild-')), `${name}.svg`);
  fs.writeFileSync(svgFile, svg);
  execFileSync('rsvg-convert', ['-z', '1.5', '-o', path.join(HERE, 'images', `${name}.png`), svgFile]);
}

function escapeXml(text) {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderGraph() {
  const graph = parseGraph(fs.readFileSync(path.join(HERE, 'test/fixtures/quickstart-graph.json'), 'utf8'));
  const svg = renderSvg(layoutGraph(graph, 'running_total'));
  // The webview's stylesheet with Dark+ values in place of the --vscode-* variables.
  const style = `<style>
    .node rect { fill: #252526; stroke: #454545; }
    .node.kind-job rect { fill: #4d4d4d; }
    .node.external rect { stroke-dasharray: 5 3; }
    .node.focus rect { stroke: #007fd4; stroke-width: 2.5; }
    .node text { fill: ${FOREGROUND}; }
    .edge { stroke: #858585; stroke-width: 1.2; }
    .edge.back { stroke-dasharray: 4 3; }
    .arrow { fill: #858585; }
    .edge-label { fill: #a0a0a0; font-size: 10px; }
  </style><rect width="100%" height="100%" fill="${BACKGROUND}"/>`;
  writePng('graph', svg.replace(/(<svg[^>]*>)/, `$1${style}`));
}

// Dark+ colours for the scopes the grammar emits; the longest matching prefix wins.
const THEME = [
  ['comment', '#6a9955'],
  ['string', '#ce9178'],
  ['constant.character.escape', '#d7ba7d'],
  ['string.other.format', '#d7ba7d'],
  ['punctuation.definition.interpolation', '#569cd6'],
  ['constant.numeric', '#b5cea8'],
  ['constant.language', '#569cd6'],
  ['constant.other', '#4fc1ff'],
  ['keyword', '#c586c0'],
  ['keyword.operator', FOREGROUND],
  ['storage.type', '#569cd6'],
  ['entity.name.type', '#4ec9b0'],
  ['entity.name.function', '#dcdcaa'],
  ['entity.name', '#4ec9b0'],
  ['support.type', '#4ec9b0'],
  ['support.function', '#dcdcaa'],
  ['variable', '#9cdcfe'],
];

function colour(scopes) {
  let best = { length: -1, colour: FOREGROUND };
  for (const scope of scopes) {
    for (const [prefix, value] of THEME) {
      if ((scope === prefix || scope.startsWith(`${prefix}.`)) && prefix.length >= best.length) {
        best = { length: prefix.length, colour: value };
      }
    }
  }
  return best.colour;
}

async function renderHighlighting() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(
        fs.readFileSync(path.join(HERE, 'syntaxes/databuild.tmLanguage.json'), 'utf8'),
        'databuild.tmLanguage.json',
      ),
  });
  const grammar = await registry.loadGrammar('source.databuild');
  const source = path.join(HERE, '../../examples/quickstart/metrics.dbuild');
  const lines = fs.readFileSync(source, 'utf8').trimEnd().split('\n');
  const LINE = 17;
  const CHAR = 7.8;
  const width = Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR + 30);
  const rows = [];
  let state = vsctm.INITIAL;
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    const spans = result.tokens.map((token) => {
      const text = line.slice(token.startIndex, token.endIndex);
      return `<tspan fill="${colour(token.scopes)}">${escapeXml(text)}</tspan>`;
    });
    rows.push(`<text x="15" y="${20 + i * LINE}" xml:space="preserve">${spans.join('')}</text>`);
  });
  const height = 20 + lines.length * LINE;
  writePng(
    'highlighting',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `font-family="DejaVu Sans Mono, monospace" font-size="13">` +
      `<rect width="100%" height="100%" fill="${BACKGROUND}"/>${rows.join('\n')}</svg>`,
  );
}

renderGraph();
renderHighlighting().catch((error) => {
  console.error(error);
  process.exit(1);
});
