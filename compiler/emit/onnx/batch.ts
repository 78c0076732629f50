// Which dims of a step graph are the batch: found by comparing the same graph lowered at two batch sizes.
//
// Shapes in the IR are static (every dim bound before lowering), so the graph alone cannot say which 64
// is the batch. Lowering again at another batch size answers it: a dim that is d₁ at batch b₁ and d₂ at
// b₂ with d₁ = k·b₁ and d₂ = k·b₂ is k·B; a dim equal in both is fixed. The two graphs must have the
// same nodes, inputs and attrs apart from sizes that follow B; otherwise (a constant whose values depend
// on the batch, a slice that cuts the batch axis, a pass that rewrote one graph differently) the batch
// stays fixed and the reason is given.

import type { Graph, Node } from "../../ir/graph.js";

/** Per node id, per dim: 0 for a fixed size, k ≥ 1 for k·B. */
export type BatchDims = number[][];

export type BatchAnalysis = { ok: true; dims: BatchDims } | { ok: false; reason: string };

/** All-fixed dims for a graph (the fallback, and what a fixed-batch export uses). */
export function fixedDims(g: Graph): BatchDims {
  return g.nodes.map((n) => n.shape.map(() => 0));
}

function dimsOf(a: Node, b: Node, batchA: number, batchB: number): number[] | string {
  if (a.shape.length !== b.shape.length) return `%${a.id} has rank ${a.shape.length} at batch ${batchA} but ${b.shape.length} at ${batchB}`;
  const out: number[] = [];
  for (let i = 0; i < a.shape.length; i++) {
    const [da, db] = [a.shape[i]!, b.shape[i]!];
    if (da === db) {
      out.push(0);
      continue;
    }
    const k = da / batchA;
    if (!Number.isInteger(k) || k < 1 || db !== k * batchB) return `%${a.id} (${a.op}) has a size ${da} at batch ${batchA} and ${db} at ${batchB}, not a multiple of the batch`;
    out.push(k);
  }
  return out;
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** Whether the attrs of two nodes at the same position agree up to sizes that follow the batch. */
function attrsAgree(a: Node, b: Node, first: { a?: Node; b?: Node; dims?: readonly number[] }): boolean {
  switch (a.op) {
    case "input":
    case "param":
      return b.op === a.op && a.attrs.name === b.attrs.name && a.dtype === b.dtype;
    case "reshape":
    case "broadcast_to":
      return true; // the shape attr is the node's shape, compared dim by dim already
    case "const": {
      if (b.op !== "const") return false;
      const [va, vb] = [a.attrs.values, b.attrs.values];
      return a.attrs.dtype === b.attrs.dtype && (va.length === 1 && vb.length === 1 ? va[0] === vb[0] : same(va, vb));
    }
    case "slice": {
      if (b.op !== "slice" || a.attrs.axis !== b.attrs.axis) return false;
      const axis = a.attrs.axis;
      if ((first.dims?.[axis] ?? 0) === 0) return a.attrs.start === b.attrs.start && a.attrs.end === b.attrs.end;
      // A slice along the batch axis is exported only when it keeps the whole axis.
      return a.attrs.start === 0 && b.attrs.start === 0 && a.attrs.end === first.a?.shape[axis] && b.attrs.end === first.b?.shape[axis];
    }
    default:
      return same(a.attrs, b.attrs);
  }
}

/**
 * Compares graph `a` (lowered at batch `batchA`) with graph `b` (the same step at `batchB`) and returns
 * the batch multiple of every dim of `a`, or why the batch cannot be symbolic.
 */
export function analyzeBatch(a: Graph, batchA: number, b: Graph, batchB: number): BatchAnalysis {
  const fail = (reason: string): BatchAnalysis => ({ ok: false, reason });
  if (batchA === batchB) return fail("both lowerings have the same batch");
  if (a.nodes.length !== b.nodes.length) return fail(`the graph has ${a.nodes.length} nodes at batch ${batchA} but ${b.nodes.length} at ${batchB}`);
  if (!same(a.inputs.map((x) => [x.name, x.node]), b.inputs.map((x) => [x.name, x.node]))
    || !same(a.outputs.map((x) => [x.name, x.node]), b.outputs.map((x) => [x.name, x.node]))) {
    return fail("the graph's inputs or outputs differ between batch sizes");
  }
  const dims: BatchDims = [];
  for (let i = 0; i < a.nodes.length; i++) {
    const [na, nb] = [a.nodes[i]!, b.nodes[i]!];
    if (na.op !== nb.op || !same(na.inputs, nb.inputs) || na.dtype !== nb.dtype) return fail(`node %${i} differs between batch sizes (${na.op} / ${nb.op})`);
    const d = dimsOf(na, nb, batchA, batchB);
    if (typeof d === "string") return fail(d);
    if (na.op === "param" && d.some((k) => k !== 0)) return fail(`parameter ${na.attrs.name} changes size with the batch`);
    const i0 = na.inputs[0];
    const first = i0 === undefined ? {} : { a: a.nodes[i0]!, b: b.nodes[i0]!, dims: dims[i0]! };
    if (!attrsAgree(na, nb, first)) return fail(`the attributes of %${i} (${na.op}) depend on the batch`);
    dims.push(d);
  }
  return { ok: true, dims };
}
