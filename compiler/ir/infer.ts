// Shared shape/dtype inference rules for the op table in ops.ts (kept apart so the table stays readable).
// Each rule validates its attrs and throws IrError naming the op and the offending shapes.

import type { OpAttrs, ConvAttrs, PoolAttrs, ReduceAttrs } from "./op-attrs.js";
import type { TensorType } from "./shapes.js";
import {
  IrError, broadcastShapes, checkAxes, checkInt, checkPair, checkShape, convOutSize, expectDType, expectRank,
  sameShape, shapeText, typeText,
} from "./shapes.js";

export const f32 = (shape: number[]): TensorType => ({ shape, dtype: "f32" });

export const unary = (op: string) => (ins: readonly TensorType[]): TensorType => {
  expectDType(ins[0]!, "f32", op);
  return f32([...ins[0]!.shape]);
};

export const binary = (op: string, dtypes: "f32" | "any", out: "same" | "f32") =>
  (ins: readonly TensorType[]): TensorType => {
    const [a, b] = ins as [TensorType, TensorType];
    if (a.dtype !== b.dtype) throw new IrError(`${op}: dtypes differ: ${typeText(a)} and ${typeText(b)}`);
    if (dtypes === "f32") expectDType(a, "f32", op);
    return { shape: broadcastShapes([a.shape, b.shape], op), dtype: out === "f32" ? "f32" : a.dtype };
  };

export const reduce = (op: string) => (ins: readonly TensorType[], a: ReduceAttrs): TensorType => {
  const x = ins[0]!;
  expectDType(x, "f32", op);
  checkAxes(a.axes, x.shape.length, op);
  if (op === "max" && a.axes.some((ax) => x.shape[ax] === 0)) throw new IrError(`max: reduces an empty axis`);
  const shape = x.shape.flatMap((d, i) => (a.axes.includes(i) ? (a.keepdims ? [1] : []) : [d]));
  return f32(shape);
};

export function checkConv(a: ConvAttrs, op: string): void {
  checkPair(a.stride, `${op} stride`, 1);
  checkPair(a.pad, `${op} pad`, 0);
  checkPair(a.dilation, `${op} dilation`, 1);
  checkInt(a.groups, `${op} groups`, 1);
}

/** [N, C, H, W] ⊛ [O, C/g, KH, KW] → [N, O, OH, OW], with every check conv2d and its backward ops share. */
export function convShapes(x: readonly number[], w: readonly number[], a: ConvAttrs, op: string): number[] {
  const [n, c, h, wd] = x as [number, number, number, number];
  const [o, cg, kh, kw] = w as [number, number, number, number];
  if (c % a.groups !== 0 || o % a.groups !== 0 || cg * a.groups !== c) {
    throw new IrError(`${op}: input channels ${c} and weight ${shapeText(w)} do not match groups ${a.groups}`);
  }
  const oh = convOutSize(h, kh, a.stride[0], a.pad[0], a.dilation[0]);
  const ow = convOutSize(wd, kw, a.stride[1], a.pad[1], a.dilation[1]);
  if (oh < 1 || ow < 1) throw new IrError(`${op}: kernel ${kh}x${kw} does not fit input ${shapeText(x)}`);
  return [n, o, oh, ow];
}

export function checkPool(a: PoolAttrs, op: string): void {
  checkPair(a.kernel, `${op} kernel`, 1);
  checkPair(a.stride, `${op} stride`, 1);
  checkPair(a.pad, `${op} pad`, 0);
  // PyTorch's rule; it also guarantees every max window holds at least one real element.
  if (a.pad[0] * 2 > a.kernel[0] || a.pad[1] * 2 > a.kernel[1]) throw new IrError(`${op}: pad must be at most half the kernel`);
}

export function poolShape(x: TensorType, a: PoolAttrs, op: string): number[] {
  expectRank(x, 4, op);
  expectDType(x, "f32", op);
  checkPool(a, op);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = convOutSize(h, a.kernel[0], a.stride[0], a.pad[0], 1);
  const ow = convOutSize(w, a.kernel[1], a.stride[1], a.pad[1], 1);
  if (oh < 1 || ow < 1) throw new IrError(`${op}: window ${a.kernel.join("x")} does not fit ${typeText(x)}`);
  return [n, c, oh, ow];
}

export function expectShape(t: TensorType, shape: readonly number[], op: string, what: string): void {
  if (!sameShape(t.shape, shape)) throw new IrError(`${op}: ${what} must be ${shapeText(shape)}, got ${shapeText(t.shape)}`);
}

export function checkSource(a: { name?: string; shape: number[]; dtype: string }, op: string): void {
  checkShape(a.shape, op);
  if (a.dtype !== "f32" && a.dtype !== "i32") throw new IrError(`${op}: unknown dtype ${String(a.dtype)}`);
}

export function matmulShape(a: TensorType, b: TensorType, at: OpAttrs["matmul"]): number[] {
  if (a.shape.length < 2 || b.shape.length < 2) throw new IrError(`matmul: needs rank >= 2, got ${typeText(a)} and ${typeText(b)}`);
  expectDType(a, "f32", "matmul");
  expectDType(b, "f32", "matmul");
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, ka] = at.transA ? [ac, ar] : [ar, ac];
  const [kb, n] = at.transB ? [bc, br] : [br, bc];
  if (ka !== kb) throw new IrError(`matmul: inner dims differ (${ka} vs ${kb}) in ${typeText(a)} · ${typeText(b)}`);
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], "matmul batch dims");
  return [...batch, m, n];
}

export function indexCheck(idx: TensorType, op: string): void {
  expectDType(idx, "i32", `${op} indices`);
}

export function withoutAxis(shape: readonly number[], axis: number): number[] {
  return shape.filter((_, i) => i !== axis);
}


export function checkRandom(step: TensorType, a: { shape: number[]; stream: number }, op: string): void {
  checkShape(a.shape, op);
  checkInt(a.stream, `${op} stream`, 0);
  expectDType(step, "i32", `${op} step`);
  expectRank(step, 0, `${op} step`);
}
