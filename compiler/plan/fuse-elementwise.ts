// Elementwise fusion for the emitters: which nodes need no memory of their own because they are computed
// inside their one user's loop.
//
// A node is *virtual* when it is an f32 elementwise op (not an alias, not a cast), its only user (among the
// nodes the step needs) is itself elementwise and has the same shape (so the value is used exactly once
// per output element, never recomputed under broadcasting), and it is neither a graph output nor an
// update source. The non-virtual elementwise node at the top of a tree of virtual ones (the *root*) then
// computes the whole tree in one loop, reading only materialized leaves: an Adam update becomes one pass
// over the weights instead of a dozen, and its intermediates take no arena bytes.
//
// Values computed in a fused loop stay in float64 between ops (one rounding at the store): at least as
// accurate as rounding after every op; the float64 reference is the yardstick either way.

import type { Node, NodeId } from "../ir/graph.js";
import { ops } from "../ir/ops.js";
import type { StepGraph } from "../program/types.js";

const NOT_FUSED = new Set(["reshape", "stop_gradient", "cast", "broadcast_to"]);

export function isFusable(n: Node): boolean {
  return ops[n.op].groups.includes("elementwise") && !NOT_FUSED.has(n.op) && n.op !== "random_uniform";
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The virtual nodes of a step graph, given which nodes it needs. */
export function virtualNodes(step: StepGraph, needed: readonly boolean[]): Set<NodeId> {
  const g = step.graph;
  const users: NodeId[][] = g.nodes.map(() => []);
  for (const n of g.nodes) {
    if (!needed[n.id]) continue;
    for (const i of n.inputs) users[i]!.push(n.id);
  }
  const pinned = new Set<NodeId>([...g.outputs.map((o) => o.node), ...step.updates.map((u) => u.node)]);
  const out = new Set<NodeId>();
  for (const n of g.nodes) {
    if (!needed[n.id] || pinned.has(n.id) || n.dtype !== "f32" || !isFusable(n)) continue;
    const us = users[n.id]!;
    if (us.length !== 1) continue; // also excludes x*x style double use by one user: users lists it twice
    const u = g.nodes[us[0]!]!;
    if (isFusable(u) && sameShape(u.shape, n.shape)) out.add(n.id);
  }
  return out;
}
