// cse: common subexpression elimination by hash-consing.
//
// Algorithm. One forward sweep. Each node's inputs are first replaced by their representatives, then the
// node gets a key: op, its attrs as canonical text (keys sorted; −0, NaN and ±Infinity spelled out so
// that const 0 and const −0 stay apart) and its input ids. The first node with a key is its
// representative; a later node with the same key is replaced by it everywhere (users, outputs). Since
// inputs are canonical before a key is made, chains of duplicates collapse in one sweep. Finally the
// replaced nodes are dropped and ids renumbered (graph.ts `compact`, order kept: deterministic).
//
// Never merged: input and param nodes (each is a named entry of the step's API, even with equal attrs),
// and random ops: by contract each call site draws its own numbers, and whether two draws with equal
// attrs are equal depends on the runtime's generator (the reference one is counter-based, a runtime's
// may keep state), so cse does not rely on it.
// add, mul and equal are commutative in IEEE arithmetic, so their inputs are sorted in the key (a+b and
// b+a merge); maximum/minimum are not, for NaN and ±0 the order can decide the result in some kernels.
//
// Before: a valid graph. After: a valid graph with no two mergeable nodes alike, same outputs; the node
// kept is the first one, so it keeps its span and name.

import type { Graph, Node, NodeId } from "../ir/graph.js";
import type { OpName } from "../ir/op-attrs.js";
import type { Pass } from "./pass.js";
import { compact } from "../ir/graph.js";
import { ops } from "../ir/ops.js";

const COMMUTATIVE: ReadonlySet<OpName> = new Set(["add", "mul", "equal"]);

export const csePass: Pass = {
  name: "cse",
  description: "merge nodes computing the same op on the same inputs (never inputs, params or random draws)",
  run: cse,
};

export function cse(graph: Graph): Graph {
  const rep: NodeId[] = new Array<NodeId>(graph.nodes.length);
  const seen = new Map<string, NodeId>();
  const nodes: Node[] = graph.nodes.map((n) => {
    const inputs = n.inputs.map((i) => rep[i]!);
    const node = { ...n, inputs } as Node;
    rep[n.id] = n.id;
    if (mergeable(n)) {
      const key = keyOf(node);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, n.id);
      else rep[n.id] = first;
    }
    return node;
  });
  const rewired: Graph = { ...graph, nodes, outputs: graph.outputs.map((o) => ({ ...o, node: rep[o.node]! })) };
  return compact(rewired, rep.map((r, i) => r === i)).graph;
}

function mergeable(n: Node): boolean {
  return n.op !== "input" && n.op !== "param" && !ops[n.op].groups.includes("random");
}

export function keyOf(n: Node): string {
  const inputs = COMMUTATIVE.has(n.op) ? [...n.inputs].sort((a, b) => a - b) : n.inputs;
  return `${n.op}(${inputs.join(",")})${canonical(n.attrs)}`;
}

/** JSON-like text with sorted keys and exact numbers (JSON would print −0 as 0 and NaN as null). */
export function canonical(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}
