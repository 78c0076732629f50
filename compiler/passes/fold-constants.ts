// Constant folding for the simplify pass: a node whose inputs are all consts becomes a const, computed by
// the float64 reference evaluator (ir/reference.ts) and rounded once to the node's dtype.
//
// Limits: the folded tensor must be small (≤ FOLD_LIMIT elements), so folding never bloats the program
// with a large literal; random ops are never folded (their value depends on a stream and on the step); sources
// are already consts. Splat inputs (every element equal) through an elementwise op or a pure data movement
// (reshape, transpose, broadcast_to) give a splat, computed on one element, so those fold at any size: a
// gradient seed `broadcast_to(reshape(−0.5·1))` becomes one `const [−0.5] : f32[64]`.

import type { Node, NodeId, NodeOf } from "../ir/graph.js";
import type { OpName } from "../ir/op-attrs.js";
import type { RefTensor } from "../ir/reference.js";
import type { Candidate, RuleContext } from "./simplify-rules.js";
import { evaluateNode } from "../ir/reference.js";
import { inferType, ops } from "../ir/ops.js";
import { sizeOf } from "../ir/shapes.js";
import { splatValue } from "./simplify-rules.js";

/** Largest number of elements a folded (non-splat) const may have. */
export const FOLD_LIMIT = 4096;

const SPLAT_MOVES: ReadonlySet<OpName> = new Set(["reshape", "transpose", "broadcast_to"]);

export function foldConstants(c: Candidate, rc: RuleContext): NodeId | undefined {
  const spec = ops[c.op];
  if (c.inputs.length === 0 || spec.groups.includes("random") || spec.groups.includes("source")) return undefined;
  const ins = c.inputs.map((i) => rc.node(i));
  if (!ins.every((n) => n.op === "const")) return undefined;
  const t = inferType(c.op, ins, c.attrs as never);
  const splats = ins.map(splatValue);

  if (splats.every((v) => v !== undefined)) {
    if (SPLAT_MOVES.has(c.op)) return rc.constant([splats[0]!], t.shape, t.dtype, true);
    if (spec.groups.includes("elementwise")) {
      // The same op on one element of each input (shape []: broadcasting makes every element equal).
      const one = { id: -1, op: c.op, inputs: c.inputs, shape: [], dtype: t.dtype, attrs: c.attrs } as Node;
      const v = evaluateNode(one, ins.map((n, k) => ({ shape: [], dtype: n.dtype, data: Float64Array.of(splats[k]!) })));
      return rc.constant([round(v.data[0]!, t.dtype)], t.shape, t.dtype, true);
    }
  }
  if (sizeOf(t.shape) > FOLD_LIMIT) return undefined;
  const node = { id: -1, op: c.op, inputs: c.inputs, shape: t.shape, dtype: t.dtype, attrs: c.attrs } as NodeOf<OpName> as Node;
  let value;
  try {
    value = evaluateNode(node, ins.map(constTensor));
  } catch (e) {
    // An index out of range: the program fails when it runs, and reports it there; folding must not.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  const values = Array.from(value.data, (v) => round(v, t.dtype));
  const first = values[0];
  const isSplat = first !== undefined && values.every((v) => Object.is(v, first));
  return rc.constant(isSplat ? [first] : values, t.shape, t.dtype, true);
}

function round(v: number, dtype: "f32" | "i32"): number {
  return dtype === "f32" ? Math.fround(v) : v;
}

function constTensor(n: Node): RefTensor {
  if (n.op !== "const") throw new Error("constTensor: not a const");
  const size = sizeOf(n.shape);
  const data = n.attrs.values.length === size ? Float64Array.from(n.attrs.values) : new Float64Array(size).fill(n.attrs.values[0]!);
  return { shape: [...n.shape], dtype: n.dtype, data };
}
