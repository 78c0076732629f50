// fuse: fusion *analysis* — which nodes can run as one kernel. The graph is not changed; the result is a
// side table (StepGraph.kernels) that emitters may use to emit one loop nest per group.
//
// Algorithm (greedy, forward, deterministic). Only nodes the roots (outputs and updates) need are grouped;
// sources (input, param, const) are data, not kernels. Every other node starts as its own group. Visiting
// nodes in order, a node C absorbs the group of an input P (inputs in order) when
//  - P has exactly one user, C, and P is not a root (its value never has to be stored), and P is
//    elementwise or an anchor (below), and
//  - either C is elementwise (the elementwise ops, broadcast_to) and P has C's shape — P is then computed
//    at the same index inside C's loop: an elementwise chain, or the epilogue of a matmul, conv2d or
//    reduction —, or C is a reduction or softmax-family op and P's group is elementwise only (a prologue:
//    the reduction reads P's value straight from the fused expression, as in softmax or a loss; a matmul
//    or conv gets no prologue, since it reads each input element many times), and
//  - the merged group holds at most one *anchor* (matmul, conv2d, a reduction, a softmax-family op):
//    one kernel, one loop structure.
// Because every absorbed member has a single user inside the group, each group is an in-tree whose only
// value read from outside is its root's (its last node): groups never form cycles, and ordering them by
// root gives an execution order. Index, movement (reshape, transpose, …), pooling, random and backward
// ops stay single; a reshape is a view that emitters need not run at all.
//
// Kinds: "matmul-epilogue" / "conv-epilogue" / "reduction" for a group with that anchor and more than one
// node, "elementwise" for a chain without anchor, "single" for a group of one node.

import type { Graph, Node, NodeId } from "../ir/graph.js";
import type { StepGraph } from "../program/types.js";
import { reachableFrom, usersOf } from "../ir/graph.js";
import { ops } from "../ir/ops.js";
import { sameShape } from "../ir/shapes.js";

export type KernelGroup = NonNullable<StepGraph["kernels"]>[number];
export type KernelKind = KernelGroup["kind"];

type Anchor = "matmul" | "conv" | "reduction" | null;

function anchorOf(n: Node): Anchor {
  if (n.op === "matmul") return "matmul";
  if (n.op === "conv2d") return "conv";
  const groups = ops[n.op].groups;
  if (n.op === "sum" || n.op === "mean" || n.op === "max") return "reduction";
  if (groups.includes("softmax") && !groups.includes("backward")) return "reduction";
  return null;
}

const isElementwise = (n: Node): boolean => n.op === "broadcast_to" || ops[n.op].groups.includes("elementwise");

const KIND: Record<Exclude<Anchor, null>, KernelKind> = { matmul: "matmul-epilogue", conv: "conv-epilogue", reduction: "reduction" };

/** Groups the nodes `roots` need (default: the graph's outputs) into kernels. */
export function analyzeFusion(graph: Graph, roots: readonly NodeId[] = graph.outputs.map((o) => o.node)): KernelGroup[] {
  const live = reachableFrom(graph, roots);
  const isRoot = new Set(roots);
  const users = usersOf(graph).map((us) => us.filter((u) => live[u]));
  // Union-find over node ids; each group's representative is its root node (the last one absorbed into).
  const parent = graph.nodes.map((n) => n.id);
  const find = (id: NodeId): NodeId => {
    while (parent[id] !== id) id = parent[id] = parent[parent[id]!]!;
    return id;
  };
  const anchor = graph.nodes.map(anchorOf);
  const computed = (n: Node) => live[n.id] && ops[n.op].arity !== 0;

  for (const c of graph.nodes) {
    if (!computed(c)) continue;
    for (const p of new Set(c.inputs)) {
      const pn = graph.nodes[p]!;
      if (!computed(pn) || isRoot.has(p) || users[p]!.length !== 1) continue;
      if (!isElementwise(pn) && anchorOf(pn) === null) continue;
      const pg = find(p);
      const cg = find(c.id);
      if (pg === cg) continue;
      const epilogue = isElementwise(c) && sameShape(pn.shape, c.shape);
      const prologue = anchorOf(c) === "reduction" && anchor[pg] === null && isElementwise(pn);
      if (!epilogue && !prologue) continue;
      if (anchor[pg] !== null && anchor[cg] !== null) continue;
      parent[pg] = cg;
      anchor[cg] = anchor[cg] ?? anchor[pg]!;
    }
  }

  const members = new Map<NodeId, NodeId[]>();
  for (const n of graph.nodes) {
    if (!computed(n)) continue;
    const r = find(n.id);
    const list = members.get(r);
    if (list) list.push(n.id);
    else members.set(r, [n.id]);
  }
  return [...members.entries()]
    .sort(([a], [b]) => a - b)
    .map(([r, nodes], id) => {
      const a = anchor[r];
      const kind: KernelKind = nodes.length === 1 ? "single" : a === null || a === undefined ? "elementwise" : KIND[a];
      return { id, nodes, kind };
    });
}

/** The fusion table of a step: its outputs and updates are the roots. */
export function fuseStep(step: StepGraph): KernelGroup[] {
  return analyzeFusion(step.graph, [...step.graph.outputs.map((o) => o.node), ...step.updates.map((u) => u.node)]);
}

/** One line per group, for dumps: `kernel 3 matmul-epilogue: %6 %7`. */
export function printKernels(groups: readonly KernelGroup[]): string {
  return groups.map((g) => `kernel ${g.id} ${g.kind}: ${g.nodes.map((n) => `%${n}`).join(" ")}\n`).join("");
}
