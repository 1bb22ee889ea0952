// Writes the pages that tools/screenshots.sh photographs with headless Chromium
// for the README's images. Both come from the extension's real code and data:
//   highlighting.html  examples/quickstart/metrics.dbuild tokenized by the
//                      extension's TextMate grammar with vscode-textmate (VS Code's
//                      tokenizer), coloured by vscode-textmate's own theme matching
//                      from VS Code's Dark+ theme file, laid out like an editor;
//   graph.html         the Show graph webview's page exactly as commands.ts builds it
//                      (parseGraph → layoutGraph → renderSvg → graphHtml from out/),
//                      fed real `databuild graph --format json` output, inside a host
//                      page that does what VS Code's webview host does: an iframe whose
//                      --vscode-* variables are set through the CSSOM (the page's
//                      content security policy allows no inline styles of ours).
// The colours VS Code takes from its colour registry rather than from the theme
// file are in REGISTRY_DARK below, with where they come from.
// Usage: node tools/render-screenshots.js THEME.json GRAPH.json OUT_DIR
// (after `npx tsc -p .`); prints "NAME WIDTH HEIGHT" for each page written.
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const { parseGraph } = require('../out/graph');
const { graphHtml, layoutGraph, renderSvg } = require('../out/graphView');

const HERE = path.join(__dirname, '..');

// Defaults of VS Code's colour registry (dark themes) for the keys the pages use
// that Dark+ leaves unset, as registered in monaco-editor 0.52.2
// esm/vs/platform/theme/common/colors/*.js and esm/vs/editor/common/core/editorColorRegistry.js.
const REGISTRY_DARK = {
  'editorWidget.background': '#252526',
  'editorWidget.border': '#454545',
  'badge.background': '#4D4D4D',
  'badge.foreground': '#FFFFFF',
  focusBorder: '#007FD4',
  'editorLineNumber.foreground': '#858585',
  descriptionForeground: '#CCCCCCB3', // transparent(foreground #CCCCCC, 0.7)
};
// VS Code's defaults on Linux: editor.fontFamily, editor.fontSize and the line
// height it derives from them; the workbench font for webviews (--vscode-font-*).
const EDITOR_FONT = "'Droid Sans Mono', 'monospace', monospace";
const EDITOR_FONT_SIZE = 14;
const EDITOR_LINE_HEIGHT = 19;
const WORKBENCH_FONT = 'system-ui, "Ubuntu", "Droid Sans", sans-serif';

/** A theme file with its `include` chain merged the way VS Code does: included first. */
function loadTheme(file) {
  const theme = JSON.parse(fs.readFileSync(file, 'utf8'));
  const base = theme.include
    ? loadTheme(path.join(path.dirname(file), theme.include))
    : { name: '', colors: {}, tokenColors: [] };
  return {
    name: theme.name ?? base.name,
    colors: { ...base.colors, ...theme.colors },
    tokenColors: [...base.tokenColors, ...(theme.tokenColors ?? [])],
  };
}

function escapeHtml(text) {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function loadGrammar(theme) {
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
  // Like VS Code, the editor's colours are the rule every scope starts from.
  const defaults = { settings: { foreground: theme.colors['editor.foreground'], background: theme.colors['editor.background'] } };
  registry.setTheme({ name: theme.name, settings: [defaults, ...theme.tokenColors] });
  return { grammar: await registry.loadGrammar('source.databuild'), colorMap: registry.getColorMap() };
}

// Bit fields of vscode-textmate's EncodedTokenAttributes (not exported at run time).
const foregroundOf = (metadata) => (metadata & 0x00ff8000) >>> 15;
const fontStyleOf = (metadata) => (metadata & 0x00007800) >>> 11;

function tokenStyle(metadata, colorMap) {
  const style = [`color:${colorMap[foregroundOf(metadata)]}`];
  const fontStyle = fontStyleOf(metadata);
  if (fontStyle & 1) style.push('font-style:italic');
  if (fontStyle & 2) style.push('font-weight:bold');
  if (fontStyle & 4) style.push('text-decoration:underline');
  return style.join(';');
}

async function highlightingPage(theme, colors) {
  const { grammar, colorMap } = await loadGrammar(theme);
  const lines = fs.readFileSync(path.join(HERE, '../../examples/quickstart/metrics.dbuild'), 'utf8').trimEnd().split('\n');
  let state = vsctm.INITIAL;
  const rows = lines.map((line, i) => {
    const { tokens, ruleStack } = grammar.tokenizeLine2(line, state);
    state = ruleStack;
    const spans = [];
    for (let t = 0; t < tokens.length; t += 2) {
      const end = t + 2 < tokens.length ? tokens[t + 2] : line.length;
      spans.push(`<span style="${tokenStyle(tokens[t + 1], colorMap)}">${escapeHtml(line.slice(tokens[t], end))}</span>`);
    }
    return `<div class="line"><span class="number">${i + 1}</span>${spans.join('')}</div>`;
  });
  const html = `<!DOCTYPE html>
<html><head><meta charset="UTF-8"><style>
  body { margin: 0; padding: 8px 0; background: ${colors['editor.background']}; color: ${colors['editor.foreground']};
         font-family: ${EDITOR_FONT}; font-size: ${EDITOR_FONT_SIZE}px; line-height: ${EDITOR_LINE_HEIGHT}px; }
  .line { white-space: pre; }
  .number { display: inline-block; width: 40px; margin-right: 26px; text-align: right; color: ${colors['editorLineNumber.foreground']}; }
</style></head><body>
${rows.join('\n')}
</body></html>
`;
  const columns = Math.max(...lines.map((l) => l.length));
  return { html, width: Math.ceil(66 + columns * EDITOR_FONT_SIZE * 0.61 + 24), height: 16 + lines.length * EDITOR_LINE_HEIGHT };
}

function graphPage(graphJson, colors) {
  // What showGraph() in src/commands.ts does with the analyzer's output, minus the panel.
  const layout = layoutGraph(parseGraph(graphJson));
  const title = 'DataBuild graph: quickstart';
  const webview = graphHtml(renderSvg(layout), title, 'screenshot-nonce');
  const variables = Object.fromEntries(
    Object.entries(colors).map(([key, value]) => [`--vscode-${key.replace(/\./g, '-')}`, value]),
  );
  variables['--vscode-font-family'] = WORKBENCH_FONT;
  variables['--vscode-font-size'] = '13px';
  variables['--vscode-font-weight'] = 'normal';
  const html = `<!DOCTYPE html>
<html><head><meta charset="UTF-8"><style>
  html, body { margin: 0; height: 100%; background: ${colors['editor.background']}; }
  iframe { border: 0; width: 100%; height: 100%; display: block; }
</style></head><body>
<iframe id="webview"></iframe>
<script>
  // VS Code's webview host sets the theme variables and its default body style on
  // the webview document through the CSSOM; so does this.
  const frame = document.getElementById('webview');
  frame.addEventListener('load', () => {
    const doc = frame.contentDocument;
    for (const [name, value] of Object.entries(${JSON.stringify(variables)})) {
      doc.documentElement.style.setProperty(name, value);
    }
    doc.body.classList.add('vscode-dark');
    Object.assign(doc.body.style, {
      margin: '0', padding: '0 20px', fontFamily: 'var(--vscode-font-family)',
      fontSize: 'var(--vscode-font-size)', fontWeight: 'var(--vscode-font-weight)',
    });
  });
  frame.srcdoc = ${JSON.stringify(webview).replace(/</g, '\\u003c')};
</script>
</body></html>
`;
  return { html, width: Math.ceil(layout.width + 40), height: Math.ceil(layout.height + 60) };
}

async function main() {
  const [themeFile, graphFile, outDir] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: node tools/render-screenshots.js THEME.json GRAPH.json OUT_DIR');
  const theme = loadTheme(themeFile);
  const colors = { ...REGISTRY_DARK, ...theme.colors };
  const pages = {
    highlighting: await highlightingPage(theme, colors),
    graph: graphPage(fs.readFileSync(graphFile, 'utf8'), colors),
  };
  for (const [name, page] of Object.entries(pages)) {
    fs.writeFileSync(path.join(outDir, `${name}.html`), page.html);
    console.log(`${name} ${page.width} ${page.height}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
