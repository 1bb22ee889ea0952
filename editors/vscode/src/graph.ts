// The one place that knows the JSON of `databuild graph --format json`. The
// analyzer's command was written alongside this extension, so the shape is pinned
// here and in README.md; if it changes, only parseGraph changes:
//
//   { "nodes": [ { "id": "…", "kind": "dataset" | "job" | …, "label": "…", … } ],
//     "edges": [ { "from": "<node id>", "to": "<node id>", "label": "…" } ] }
//
// The analyzer's version 1 (analyzer/graph_command.cc) names the node label
// "name" and the edge label "port", and marks external datasets; both spellings
// are read. Other fields (locations, keys, labels) are ignored.

export interface GraphNode {
  id: string;
  kind: string;
  label: string;
  external: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export class GraphFormatError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first of `fields` present in `object`, which must be a string; else `fallback`. */
function stringField(object: Json, fields: string[], where: string, fallback?: string): string {
  const value = fields.map((f) => object[f]).find((v) => v !== undefined) ?? fallback;
  if (typeof value !== 'string') {
    throw new GraphFormatError(`${where}: "${fields[0]}" must be a string`);
  }
  return value;
}

function arrayField(object: Json, field: string): unknown[] {
  const value = object[field];
  if (!Array.isArray(value)) throw new GraphFormatError(`"${field}" must be an array`);
  return value;
}

/** Parses and checks the analyzer's output; throws GraphFormatError on a bad shape. */
export function parseGraph(text: string): Graph {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new GraphFormatError(`not JSON: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new GraphFormatError('the graph must be a JSON object');

  const ids = new Set<string>();
  const nodes = arrayField(root, 'nodes').map((raw, i): GraphNode => {
    const where = `nodes[${i}]`;
    if (!isObject(raw)) throw new GraphFormatError(`${where} must be an object`);
    const id = stringField(raw, ['id'], where);
    if (ids.has(id)) throw new GraphFormatError(`${where}: duplicate id "${id}"`);
    ids.add(id);
    return {
      id,
      kind: stringField(raw, ['kind'], where),
      label: stringField(raw, ['label', 'name'], where, id),
      external: raw.external === true,
    };
  });

  const edges = arrayField(root, 'edges').map((raw, i): GraphEdge => {
    const where = `edges[${i}]`;
    if (!isObject(raw)) throw new GraphFormatError(`${where} must be an object`);
    const from = stringField(raw, ['from'], where);
    const to = stringField(raw, ['to'], where);
    for (const end of [from, to]) {
      if (!ids.has(end)) throw new GraphFormatError(`${where}: no node has id "${end}"`);
    }
    return { from, to, label: stringField(raw, ['label', 'port'], where, '') };
  });
  return { nodes, edges };
}
