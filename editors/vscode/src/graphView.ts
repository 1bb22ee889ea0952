// Turns a Graph into the SVG the "DataBuild: Show graph" webview shows. Layout is
// done here rather than in the webview so that the webview needs no script (its
// content security policy allows none) and the drawing is testable and renderable
// outside VS Code (tools/render-screenshots.js). Columns are longest-path ranks,
// data flowing left to right; edges that close a cycle (a job reading its own
// earlier partitions) are drawn below the nodes instead of breaking the ranking.
import { Graph, GraphEdge, GraphNode } from './graph';

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
  focus: boolean;
}

export interface PlacedEdge extends GraphEdge {
  path: string;
  labelX: number;
  labelY: number;
  back: boolean;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const CHAR_WIDTH = 7.3; // 12px monospace advance, so labels fit without measuring text
const NODE_HEIGHT = 28;
const ROW_GAP = 22;
const COLUMN_GAP = 90;
const MARGIN = 20;
const BACK_EDGE_DROP = 36;

/** Edges that close a cycle, found by depth-first search in node order. */
function backEdges(graph: Graph): Set<GraphEdge> {
  const out = new Map<string, GraphEdge[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) out.get(edge.from)?.push(edge);
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<GraphEdge>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const edge of out.get(id) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'open') back.add(edge);
      else if (seen === undefined) visit(edge.to);
    }
    state.set(id, 'done');
  };
  for (const node of graph.nodes) if (!state.has(node.id)) visit(node.id);
  return back;
}

/** Longest-path rank of every node over the acyclic (forward) edges. */
function ranks(graph: Graph, forward: GraphEdge[]): Map<string, number> {
  const rank = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  // Relaxing |nodes| times is enough on a DAG and keeps this short; graphs are small.
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const edge of forward) {
      const next = (rank.get(edge.from) ?? 0) + 1;
      if (next > (rank.get(edge.to) ?? 0)) {
        rank.set(edge.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return rank;
}

/** Places the graph; nodes labelled `focus` (the name under the cursor) are marked. */
export function layoutGraph(graph: Graph, focus?: string): GraphLayout {
  const back = backEdges(graph);
  const forward = graph.edges.filter((e) => !back.has(e));
  const rank = ranks(graph, forward);

  const columns: GraphNode[][] = [];
  for (const node of [...graph.nodes].sort((a, b) => a.label.localeCompare(b.label))) {
    const r = rank.get(node.id) ?? 0;
    (columns[r] ??= []).push(node);
  }
  // One sweep of the barycenter heuristic: order each column by its predecessors' rows.
  const row = new Map<string, number>();
  for (const column of columns) {
    const weight = (node: GraphNode): number => {
      const rows = forward.filter((e) => e.to === node.id).map((e) => row.get(e.from) ?? 0);
      return rows.length === 0 ? 0 : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    column.sort((a, b) => weight(a) - weight(b));
    column.forEach((node, i) => row.set(node.id, i));
  }

  const placed = new Map<string, PlacedNode>();
  let x = MARGIN;
  let bottom = MARGIN;
  for (const column of columns) {
    const width = Math.max(...column.map((n) => n.label.length * CHAR_WIDTH + 24));
    column.forEach((node, i) => {
      const y = MARGIN + i * (NODE_HEIGHT + ROW_GAP);
      placed.set(node.id, { ...node, x, y, width, height: NODE_HEIGHT, focus: node.label === focus });
      bottom = Math.max(bottom, y + NODE_HEIGHT);
    });
    x += width + COLUMN_GAP;
  }

  const edges = graph.edges.map((edge): PlacedEdge => {
    const from = placed.get(edge.from) as PlacedNode;
    const to = placed.get(edge.to) as PlacedNode;
    if (back.has(edge)) {
      const x1 = from.x + from.width / 2;
      const x2 = to.x + to.width / 2;
      const y1 = from.y + from.height;
      const y2 = to.y + to.height;
      const low = Math.max(y1, y2) + BACK_EDGE_DROP;
      return {
        ...edge,
        back: true,
        path: `M ${x1} ${y1} C ${x1} ${low}, ${x2} ${low}, ${x2} ${y2}`,
        labelX: (x1 + x2) / 2,
        labelY: low - 4,
      };
    }
    const x1 = from.x + from.width;
    const y1 = from.y + from.height / 2;
    const x2 = to.x;
    const y2 = to.y + to.height / 2;
    const mid = (x1 + x2) / 2;
    return {
      ...edge,
      back: false,
      path: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`,
      labelX: mid,
      labelY: (y1 + y2) / 2 - 4,
    };
  });

  const dropped = back.size > 0 ? BACK_EDGE_DROP : 0;
  const width = x - COLUMN_GAP + MARGIN;
  return { width, height: bottom + dropped + MARGIN, nodes: [...placed.values()], edges };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The layout as an SVG element. Styling is left to classes (node, kind-<kind>,
 * external, focus, edge, back, edge-label) so the webview can follow the editor's theme.
 */
export function renderSvg(layout: GraphLayout): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" ` +
      `viewBox="0 0 ${layout.width} ${layout.height}" font-family="monospace" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" ' +
      'markerHeight="7" orient="auto"><path class="arrow" d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
  ];
  for (const edge of layout.edges) {
    const cls = edge.back ? 'edge back' : 'edge';
    parts.push(`<path class="${cls}" d="${edge.path}" fill="none" marker-end="url(#arrow)"/>`);
    if (edge.label !== '') {
      parts.push(
        `<text class="edge-label" x="${edge.labelX}" y="${edge.labelY}" text-anchor="middle">` +
          `${escapeXml(edge.label)}</text>`,
      );
    }
  }
  for (const node of layout.nodes) {
    const kind = node.kind.toLowerCase().replace(/[^a-z0-9-]/g, '');
    const cls = `node kind-${kind}${node.external ? ' external' : ''}${node.focus ? ' focus' : ''}`;
    const radius = kind === 'job' ? node.height / 2 : 4;
    parts.push(
      `<g class="${cls}"><title>${escapeXml(`${node.kind} ${node.id}`)}</title>` +
        `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" ` +
        `rx="${radius}"/><text x="${node.x + node.width / 2}" y="${node.y + 18}" ` +
        `text-anchor="middle">${escapeXml(node.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** The webview's page: the SVG and a theme-following stylesheet, no script. */
export function graphHtml(svg: string, title: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<title>${escapeXml(title)}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); }
  h1 { font-size: 1.1em; font-weight: normal; }
  .node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-editorWidget-border, currentColor); }
  .node.kind-job rect { fill: var(--vscode-badge-background); }
  .node.external rect { stroke-dasharray: 5 3; }
  .node.focus rect { stroke: var(--vscode-focusBorder); stroke-width: 2.5; }
  .node text { fill: var(--vscode-editor-foreground); }
  .node.kind-job text { fill: var(--vscode-badge-foreground); }
  .edge { stroke: var(--vscode-editorLineNumber-foreground); stroke-width: 1.2; }
  .edge.back { stroke-dasharray: 4 3; }
  .arrow { fill: var(--vscode-editorLineNumber-foreground); }
  .edge-label { fill: var(--vscode-descriptionForeground); font-size: 10px; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${svg}
</body>
</html>
`;
}
