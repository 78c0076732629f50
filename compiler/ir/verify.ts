// The IR verifier: every invariant graph.ts states, checked from scratch and reported as a list of problems
// (empty when the graph is well formed). Tests run it after every pass, as TVM's WellFormed instrument does,
// so a pass that breaks SSA, order, shapes or the named lists fails at that pass and not three later.

import type { Graph, Node } from "./graph.js";
import type { OpAttrs, OpName } from "./op-attrs.js";
import { inferType, isOpName } from "./ops.js";
import { IrError, sameShape, shapeText, sizeOf } from "./shapes.js";

export interface Problem {
  /** The node at fault, when there is one. */
  node?: number;
  message: string;
}

export function verify(g: Graph): Problem[] {
  const problems: Problem[] = [];
  const bad = (message: string, node?: number) => problems.push(node === undefined ? { message } : { node, message });
  g.nodes.forEach((n, index) => checkNode(g, n, index, bad));
  checkNamed(g, bad);
  return problems;
}

/** Throws an IrError listing every problem; for tests and for the pipeline's debug hook. */
export function assertValid(g: Graph, after = "graph"): void {
  const problems = verify(g);
  if (problems.length > 0) {
    throw new IrError(`invalid IR after ${after}:\n${problems.map((p) => `  ${p.node === undefined ? "" : `%${p.node}: `}${p.message}`).join("\n")}`);
  }
}

function checkNode(g: Graph, n: Node, index: number, bad: (m: string, node?: number) => void): void {
  if (n.id !== index) return bad(`node at position ${index} has id %${n.id} (ids must equal positions)`, index);
  if (!isOpName(n.op)) return bad(`unknown op "${String(n.op)}"`, n.id);
  if (!Array.isArray(n.inputs)) return bad(`inputs is not a list`, n.id);
  for (const i of n.inputs) {
    if (!Number.isInteger(i) || i < 0 || i >= g.nodes.length) return bad(`input %${i} does not exist`, n.id);
    if (i >= n.id) return bad(`input %${i} is not defined before use (not in topological order)`, n.id);
  }
  if (n.dtype !== "f32" && n.dtype !== "i32") return bad(`unknown dtype "${String(n.dtype)}"`, n.id);
  let t;
  try {
    t = inferType(n.op, n.inputs.map((i) => ({ shape: g.nodes[i]!.shape, dtype: g.nodes[i]!.dtype })), n.attrs as OpAttrs[OpName]);
  } catch (e) {
    if (e instanceof IrError) return bad(e.message, n.id);
    return bad(`attrs do not match op ${n.op}: ${String(e)}`, n.id);
  }
  if (!sameShape(t.shape, n.shape) || t.dtype !== n.dtype) {
    bad(`stored type ${n.dtype}${shapeText(n.shape)} differs from inferred ${t.dtype}${shapeText(t.shape)}`, n.id);
  }
}

function checkNamed(g: Graph, bad: (m: string, node?: number) => void): void {
  const exists = (id: number) => Number.isInteger(id) && id >= 0 && id < g.nodes.length;
  const seen = (kind: string, list: { name: string }[]) => {
    const names = new Set<string>();
    for (const x of list) {
      if (names.has(x.name)) bad(`duplicate ${kind} name "${x.name}"`);
      names.add(x.name);
    }
  };
  seen("input", g.inputs);
  seen("param", g.params);
  seen("output", g.outputs);
  for (const [kind, list] of [["input", g.inputs], ["param", g.params]] as const) {
    for (const x of list) {
      const n = exists(x.node) ? g.nodes[x.node]! : undefined;
      if (!n) bad(`${kind} "${x.name}" points at missing node %${x.node}`);
      else if (n.op !== kind) bad(`${kind} "${x.name}" points at a ${n.op} node`, n.id);
      else if (n.attrs.name !== x.name) bad(`${kind} "${x.name}" points at a node named "${n.attrs.name}"`, n.id);
    }
  }
  for (const n of g.nodes) {
    if (n.op === "input" && !g.inputs.some((x) => x.node === n.id)) bad(`input node "${n.attrs.name}" is not listed in graph.inputs`, n.id);
    if (n.op === "param" && !g.params.some((x) => x.node === n.id)) bad(`param node "${n.attrs.name}" is not listed in graph.params (dangling)`, n.id);
  }
  for (const p of g.params) {
    const n = exists(p.node) ? g.nodes[p.node] : undefined;
    if (p.init.kind === "const" && n && p.init.values.length !== sizeOf(n.shape)) {
      bad(`param "${p.name}": const init has ${p.init.values.length} values for ${shapeText(n.shape)}`, n.id);
    }
    if (p.init.kind === "uniform" && !(p.init.low <= p.init.high)) bad(`param "${p.name}": uniform init needs low <= high`);
    if (p.init.kind === "normal" && !(p.init.std >= 0)) bad(`param "${p.name}": normal init needs std >= 0`);
  }
  for (const o of g.outputs) if (!exists(o.node)) bad(`output "${o.name}" points at missing node %${o.node}`);
}
