// The tensor IR: an SSA graph of primitive ops (ops.ts), plain data from lowering to the emitters.
//
// Invariants (checked by verify.ts): `nodes[i].id === i`, so a node is found by indexing; every input id is
// smaller than the node's id, so array order is a topological order; each node's shape/dtype is what
// ops.ts infers from its inputs and attrs. Graph inputs, params and outputs are named lists pointing at
// nodes; `input` and `param` nodes also carry their name in attrs so a node prints on its own.
//
// Passes that delete nodes renumber with `compact`, which keeps the relative order (and so determinism).

import type { Span } from "../../grammar/source.js";
import type { OpAttrs, OpName } from "./op-attrs.js";
import type { DType } from "./shapes.js";

export type NodeId = number;

export interface NodeOf<K extends OpName> {
  id: NodeId;
  op: K;
  inputs: NodeId[];
  shape: number[];
  dtype: DType;
  attrs: OpAttrs[K];
  span?: Span;
  /** A readable name for printing and generated code (a layer or binding name); never semantic. */
  name?: string;
}

/** A node, discriminated by `op`, so `switch (node.op)` narrows `node.attrs`. */
export type Node = { [K in OpName]: NodeOf<K> }[OpName];

/** How lowering asks the runtime to fill a parameter before training. */
export type ParamInit =
  | { kind: "uniform"; low: number; high: number }
  | { kind: "normal"; mean: number; std: number }
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "const"; values: number[] };

export interface GraphInput {
  name: string;
  node: NodeId;
}

export interface GraphParam {
  name: string;
  node: NodeId;
  init: ParamInit;
}

export interface GraphOutput {
  name: string;
  node: NodeId;
}

export interface Graph {
  nodes: Node[];
  inputs: GraphInput[];
  params: GraphParam[];
  outputs: GraphOutput[];
}

export function emptyGraph(): Graph {
  return { nodes: [], inputs: [], params: [], outputs: [] };
}

export function nodeAt(g: Graph, id: NodeId): Node {
  const n = g.nodes[id];
  if (!n) throw new RangeError(`no node %${id}`);
  return n;
}

/** Users of each node, in node order. */
export function usersOf(g: Graph): NodeId[][] {
  const users: NodeId[][] = g.nodes.map(() => []);
  for (const n of g.nodes) for (const i of new Set(n.inputs)) users[i]?.push(n.id);
  return users;
}

/** Nodes the given roots depend on (roots included), as a boolean mask over ids. */
export function reachableFrom(g: Graph, roots: readonly NodeId[]): boolean[] {
  const seen = g.nodes.map(() => false);
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = true;
    for (const i of nodeAt(g, id).inputs) if (!seen[i]) stack.push(i);
  }
  return seen;
}

/**
 * Keep the nodes whose mask entry is true (and drop the others, which must be unused by kept nodes and
 * by the named lists), renumbering densely in the same order. Returns the new graph and old→new ids.
 */
export function compact(g: Graph, keep: readonly boolean[]): { graph: Graph; remap: Map<NodeId, NodeId> } {
  const remap = new Map<NodeId, NodeId>();
  const nodes: Node[] = [];
  const get = (id: NodeId): NodeId => {
    const r = remap.get(id);
    if (r === undefined) throw new RangeError(`compact: %${id} is removed but still used`);
    return r;
  };
  for (const n of g.nodes) {
    if (!keep[n.id]) continue;
    remap.set(n.id, nodes.length);
    nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map(get) } as Node);
  }
  const graph: Graph = {
    nodes,
    inputs: g.inputs.filter((x) => keep[x.node]).map((x) => ({ ...x, node: get(x.node) })),
    params: g.params.filter((x) => keep[x.node]).map((x) => ({ ...x, node: get(x.node) })),
    outputs: g.outputs.map((x) => ({ ...x, node: get(x.node) })),
  };
  return { graph, remap };
}
