// THE table of primitive ops: arity, groups, whether a gradient flows through it, and shape/dtype inference.
//
// Every later stage asks this table (never a hand-written list): the builder infers shapes through it, the
// verifier re-infers and compares, autodiff checks that every op marked differentiable has a rule, and the
// completeness test walks it. Attrs types live in op-attrs.ts; this table has a row for each of them.
//
// `differentiable: false` means "no gradient flows through this op": its output is piecewise constant
// (sign, greater, equal, argmax), integer (cast), random, a source, stop_gradient by design, or a backward op
// whose own derivative we do not need (max_pool2d_backward). Autodiff treats such nodes as constants.
//
// Inference throws IrError with the op name and both shapes; it also validates attrs, so the verifier's
// "attrs valid" check is "inference does not throw".

import type { OpAttrs, OpName } from "./op-attrs.js";
import type { TensorType } from "./shapes.js";
import {
  binary, checkConv, checkRandom, checkSource, convShapes, expectShape, f32, indexCheck, matmulShape, poolShape,
  reduce, unary, withoutAxis,
} from "./infer.js";
import {
  IrError, broadcastShapes, checkAxis, checkInt, checkPair, checkShape, expectDType, expectRank, sameShape, shapeText,
  sizeOf, typeText,
} from "./shapes.js";

export type { OpName, OpAttrs } from "./op-attrs.js";

export type OpGroup =
  | "source" | "elementwise" | "unary" | "binary" | "broadcasting" | "compare" | "reduction" | "movement"
  | "contraction" | "conv" | "pool" | "softmax" | "index" | "random" | "backward";

export interface OpSpec<K extends OpName> {
  /** Number of tensor inputs; "variadic" means one or more (concat). */
  arity: number | "variadic";
  groups: readonly OpGroup[];
  differentiable: boolean;
  infer(inputs: readonly TensorType[], attrs: OpAttrs[K]): TensorType;
}

type Table = { [K in OpName]: OpSpec<K> };

// ---- the table -----------------------------------------------------------------------------------------

const U = ["elementwise", "unary"] as const;
const B = ["elementwise", "binary", "broadcasting"] as const;

export const ops: Table = {
  const: {
    arity: 0, groups: ["source"], differentiable: false,
    infer: (_, a) => {
      checkSource(a, "const");
      const n = sizeOf(a.shape);
      if (a.values.length !== n && a.values.length !== 1) throw new IrError(`const: ${a.values.length} values for shape ${shapeText(a.shape)}`);
      if (a.dtype === "i32" && !a.values.every(Number.isInteger)) throw new IrError(`const: i32 values must be integers`);
      return { shape: [...a.shape], dtype: a.dtype };
    },
  },
  input: { arity: 0, groups: ["source"], differentiable: false, infer: (_, a) => (checkSource(a, "input"), { shape: [...a.shape], dtype: a.dtype }) },
  param: { arity: 0, groups: ["source"], differentiable: false, infer: (_, a) => (checkSource(a, "param"), { shape: [...a.shape], dtype: a.dtype }) },

  neg: { arity: 1, groups: U, differentiable: true, infer: unary("neg") },
  exp: { arity: 1, groups: U, differentiable: true, infer: unary("exp") },
  log: { arity: 1, groups: U, differentiable: true, infer: unary("log") },
  sqrt: { arity: 1, groups: U, differentiable: true, infer: unary("sqrt") },
  rsqrt: { arity: 1, groups: U, differentiable: true, infer: unary("rsqrt") },
  abs: { arity: 1, groups: U, differentiable: true, infer: unary("abs") },
  square: { arity: 1, groups: U, differentiable: true, infer: unary("square") },
  tanh: { arity: 1, groups: U, differentiable: true, infer: unary("tanh") },
  sigmoid: { arity: 1, groups: U, differentiable: true, infer: unary("sigmoid") },
  relu: { arity: 1, groups: U, differentiable: true, infer: unary("relu") },
  leaky_relu: { arity: 1, groups: U, differentiable: true, infer: (ins, a) => {
    if (!Number.isFinite(a.alpha)) throw new IrError(`leaky_relu: alpha must be finite`);
    return unary("leaky_relu")(ins);
  } },
  erf: { arity: 1, groups: U, differentiable: true, infer: unary("erf") },
  gelu: { arity: 1, groups: U, differentiable: true, infer: unary("gelu") },
  silu: { arity: 1, groups: U, differentiable: true, infer: unary("silu") },
  sign: { arity: 1, groups: U, differentiable: false, infer: unary("sign") },
  pow: { arity: 1, groups: U, differentiable: true, infer: (ins, a) => {
    if (!Number.isFinite(a.exponent)) throw new IrError(`pow: exponent must be finite`);
    return unary("pow")(ins);
  } },

  add: { arity: 2, groups: B, differentiable: true, infer: binary("add", "any", "same") },
  sub: { arity: 2, groups: B, differentiable: true, infer: binary("sub", "any", "same") },
  mul: { arity: 2, groups: B, differentiable: true, infer: binary("mul", "any", "same") },
  div: { arity: 2, groups: B, differentiable: true, infer: binary("div", "f32", "same") },
  maximum: { arity: 2, groups: B, differentiable: true, infer: binary("maximum", "any", "same") },
  minimum: { arity: 2, groups: B, differentiable: true, infer: binary("minimum", "any", "same") },
  greater: { arity: 2, groups: [...B, "compare"], differentiable: false, infer: binary("greater", "any", "f32") },
  equal: { arity: 2, groups: [...B, "compare"], differentiable: false, infer: binary("equal", "any", "f32") },
  select: {
    arity: 3, groups: ["elementwise", "broadcasting"], differentiable: true,
    infer: ([c, a, b]) => {
      expectDType(c!, "f32", "select condition");
      if (a!.dtype !== b!.dtype) throw new IrError(`select: branches differ: ${typeText(a!)} and ${typeText(b!)}`);
      return { shape: broadcastShapes([c!.shape, a!.shape, b!.shape], "select"), dtype: a!.dtype };
    },
  },
  cast: {
    arity: 1, groups: U, differentiable: false,
    infer: ([x], a) => {
      if (a.to !== "f32" && a.to !== "i32") throw new IrError(`cast: unknown dtype ${String(a.to)}`);
      if (x!.dtype === a.to) throw new IrError(`cast: ${typeText(x!)} is already ${a.to}`);
      return { shape: [...x!.shape], dtype: a.to };
    },
  },

  sum: { arity: 1, groups: ["reduction"], differentiable: true, infer: reduce("sum") },
  mean: { arity: 1, groups: ["reduction"], differentiable: true, infer: reduce("mean") },
  max: { arity: 1, groups: ["reduction"], differentiable: true, infer: reduce("max") },
  argmax: {
    arity: 1, groups: ["reduction"], differentiable: false,
    infer: ([x], a) => {
      expectDType(x!, "f32", "argmax");
      checkAxis(a.axis, x!.shape.length, "argmax");
      if (x!.shape[a.axis] === 0) throw new IrError(`argmax: empty axis`);
      return { shape: x!.shape.flatMap((d, i) => (i === a.axis ? (a.keepdims ? [1] : []) : [d])), dtype: "i32" };
    },
  },

  matmul: { arity: 2, groups: ["contraction", "broadcasting"], differentiable: true, infer: ([a, b], at) => f32(matmulShape(a!, b!, at)) },
  conv2d: {
    arity: 2, groups: ["conv"], differentiable: true,
    infer: ([x, w], a) => {
      checkConv(a, "conv2d");
      for (const t of [x!, w!]) (expectRank(t, 4, "conv2d"), expectDType(t, "f32", "conv2d"));
      return f32(convShapes(x!.shape, w!.shape, a, "conv2d"));
    },
  },
  // dx from dy and w. It is also ConvTranspose2d's forward: PyTorch stores a transposed conv's weight as
  // [in, out/groups, kh, kw], which is exactly conv2d's [O, C/groups, KH, KW] seen from the backward side
  // (the transposed conv's "in" is this conv's O), so the weight is passed through unchanged.
  conv2d_backward_input: {
    arity: 2, groups: ["conv", "backward"], differentiable: true,
    infer: ([dy, w], a) => {
      checkConv(a, "conv2d_backward_input");
      checkPair(a.inputSize, "conv2d_backward_input inputSize", 1);
      for (const t of [dy!, w!]) (expectRank(t, 4, "conv2d_backward_input"), expectDType(t, "f32", "conv2d_backward_input"));
      const x = [dy!.shape[0]!, w!.shape[1]! * a.groups, a.inputSize[0], a.inputSize[1]];
      expectShape(dy!, convShapes(x, w!.shape, a, "conv2d_backward_input"), "conv2d_backward_input", "dy");
      return f32(x);
    },
  },
  conv2d_backward_weight: {
    arity: 2, groups: ["conv", "backward"], differentiable: true,
    infer: ([x, dy], a) => {
      checkConv(a, "conv2d_backward_weight");
      checkPair(a.kernel, "conv2d_backward_weight kernel", 1);
      for (const t of [x!, dy!]) (expectRank(t, 4, "conv2d_backward_weight"), expectDType(t, "f32", "conv2d_backward_weight"));
      const w = [dy!.shape[1]!, x!.shape[1]! / a.groups, a.kernel[0], a.kernel[1]];
      if (!Number.isInteger(w[1])) throw new IrError(`conv2d_backward_weight: channels ${x!.shape[1]} not divisible by groups ${a.groups}`);
      expectShape(dy!, convShapes(x!.shape, w, a, "conv2d_backward_weight"), "conv2d_backward_weight", "dy");
      return f32(w);
    },
  },

  max_pool2d: { arity: 1, groups: ["pool"], differentiable: true, infer: ([x], a) => f32(poolShape(x!, a, "max_pool2d")) },
  // (x, dy) → dx: the kernel re-finds each window's argmax in x (first maximum in row-major window order),
  // so the forward needs no second output and backward keeps x alive instead of an i32 argmax tensor.
  max_pool2d_backward: {
    arity: 2, groups: ["pool", "backward"], differentiable: false,
    infer: ([x, dy], a) => (expectShape(dy!, poolShape(x!, a, "max_pool2d_backward"), "max_pool2d_backward", "dy"), f32([...x!.shape])),
  },
  avg_pool2d: { arity: 1, groups: ["pool"], differentiable: true, infer: ([x], a) => f32(poolShape(x!, a, "avg_pool2d")) },
  avg_pool2d_backward: {
    arity: 1, groups: ["pool", "backward"], differentiable: true,
    infer: ([dy], a) => {
      checkPair(a.inputSize, "avg_pool2d_backward inputSize", 1);
      expectRank(dy!, 4, "avg_pool2d_backward");
      const x = f32([dy!.shape[0]!, dy!.shape[1]!, a.inputSize[0], a.inputSize[1]]);
      expectShape(dy!, poolShape(x, a, "avg_pool2d_backward"), "avg_pool2d_backward", "dy");
      return x;
    },
  },
  upsample_nearest2d: {
    arity: 1, groups: ["pool"], differentiable: true,
    infer: ([x], a) => {
      checkPair(a.scale, "upsample_nearest2d scale", 1);
      expectRank(x!, 4, "upsample_nearest2d");
      expectDType(x!, "f32", "upsample_nearest2d");
      const [n, c, h, w] = x!.shape as [number, number, number, number];
      return f32([n, c, h * a.scale[0], w * a.scale[1]]);
    },
  },
  upsample_nearest2d_backward: {
    arity: 1, groups: ["pool", "backward"], differentiable: true,
    infer: ([dy], a) => {
      checkPair(a.scale, "upsample_nearest2d_backward scale", 1);
      expectRank(dy!, 4, "upsample_nearest2d_backward");
      expectDType(dy!, "f32", "upsample_nearest2d_backward");
      const [n, c, h, w] = dy!.shape as [number, number, number, number];
      if (h % a.scale[0] !== 0 || w % a.scale[1] !== 0) throw new IrError(`upsample_nearest2d_backward: ${typeText(dy!)} not divisible by scale`);
      return f32([n, c, h / a.scale[0], w / a.scale[1]]);
    },
  },

  softmax: { arity: 1, groups: ["softmax"], differentiable: true, infer: ([x], a) => (checkAxis(a.axis, x!.shape.length, "softmax"), unary("softmax")([x!])) },
  log_softmax: { arity: 1, groups: ["softmax"], differentiable: true, infer: ([x], a) => (checkAxis(a.axis, x!.shape.length, "log_softmax"), unary("log_softmax")([x!])) },
  // (y, dy) → dx where y is the forward output (softmax or log_softmax).
  softmax_backward: {
    arity: 2, groups: ["softmax", "backward"], differentiable: true,
    infer: ([y, dy], a) => (checkAxis(a.axis, y!.shape.length, "softmax_backward"), expectShape(dy!, y!.shape, "softmax_backward", "dy"), unary("softmax_backward")([y!])),
  },
  log_softmax_backward: {
    arity: 2, groups: ["softmax", "backward"], differentiable: true,
    infer: ([y, dy], a) => (checkAxis(a.axis, y!.shape.length, "log_softmax_backward"), expectShape(dy!, y!.shape, "log_softmax_backward", "dy"), unary("log_softmax_backward")([y!])),
  },

  // table [V, ...rest], indices i32 [...I] → [...I, ...rest]
  gather: {
    arity: 2, groups: ["index"], differentiable: true,
    infer: ([t, idx]) => {
      if (t!.shape.length < 1) throw new IrError(`gather: table must have rank >= 1`);
      expectDType(t!, "f32", "gather");
      indexCheck(idx!, "gather");
      return f32([...idx!.shape, ...t!.shape.slice(1)]);
    },
  },
  // updates [...I, ...rest], indices [...I] → [rows, ...rest], rows added (zeros elsewhere)
  scatter_add: {
    arity: 2, groups: ["index", "backward"], differentiable: true,
    infer: ([u, idx], a) => {
      checkInt(a.rows, "scatter_add rows", 1);
      expectDType(u!, "f32", "scatter_add");
      indexCheck(idx!, "scatter_add");
      const k = idx!.shape.length;
      if (!sameShape(u!.shape.slice(0, k), idx!.shape)) throw new IrError(`scatter_add: updates ${typeText(u!)} do not start with indices shape ${shapeText(idx!.shape)}`);
      return f32([a.rows, ...u!.shape.slice(k)]);
    },
  },
  // x [..., C (at axis), ...], indices = x's shape without axis → that shape; index == ignore gives 0
  take_along_axis: {
    arity: 2, groups: ["index"], differentiable: true,
    infer: ([x, idx], a) => {
      expectDType(x!, "f32", "take_along_axis");
      indexCheck(idx!, "take_along_axis");
      checkAxis(a.axis, x!.shape.length, "take_along_axis");
      expectShape(idx!, withoutAxis(x!.shape, a.axis), "take_along_axis", "indices");
      return f32([...idx!.shape]);
    },
  },
  scatter_along_axis: {
    arity: 2, groups: ["index", "backward"], differentiable: true,
    infer: ([u, idx], a) => {
      expectDType(u!, "f32", "scatter_along_axis");
      indexCheck(idx!, "scatter_along_axis");
      checkInt(a.size, "scatter_along_axis size", 1);
      expectShape(u!, idx!.shape, "scatter_along_axis", "updates");
      checkAxis(a.axis, idx!.shape.length + 1, "scatter_along_axis");
      const shape = [...idx!.shape];
      shape.splice(a.axis, 0, a.size);
      return f32(shape);
    },
  },

  reshape: {
    arity: 1, groups: ["movement"], differentiable: true,
    infer: ([x], a) => {
      checkShape(a.shape, "reshape");
      if (sizeOf(a.shape) !== sizeOf(x!.shape)) throw new IrError(`reshape: cannot reshape ${typeText(x!)} to ${shapeText(a.shape)}`);
      return { shape: [...a.shape], dtype: x!.dtype };
    },
  },
  transpose: {
    arity: 1, groups: ["movement"], differentiable: true,
    infer: ([x], a) => {
      const r = x!.shape.length;
      if (a.perm.length !== r || !a.perm.every((p) => Number.isInteger(p)) || new Set(a.perm).size !== r || a.perm.some((p) => p < 0 || p >= r)) {
        throw new IrError(`transpose: ${shapeText(a.perm)} is not a permutation of ${r} axes`);
      }
      return { shape: a.perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
    },
  },
  broadcast_to: {
    arity: 1, groups: ["movement", "broadcasting"], differentiable: true,
    infer: ([x], a) => {
      checkShape(a.shape, "broadcast_to");
      if (x!.shape.length > a.shape.length || !sameShape(broadcastShapes([x!.shape, a.shape], "broadcast_to"), a.shape)) {
        throw new IrError(`broadcast_to: cannot broadcast ${typeText(x!)} to ${shapeText(a.shape)}`);
      }
      return { shape: [...a.shape], dtype: x!.dtype };
    },
  },
  slice: {
    arity: 1, groups: ["movement"], differentiable: true,
    infer: ([x], a) => {
      checkAxis(a.axis, x!.shape.length, "slice");
      if (!Number.isInteger(a.start) || !Number.isInteger(a.end) || a.start < 0 || a.end > x!.shape[a.axis]! || a.start > a.end) {
        throw new IrError(`slice: [${a.start}, ${a.end}) out of range for axis ${a.axis} of ${typeText(x!)}`);
      }
      const shape = [...x!.shape];
      shape[a.axis] = a.end - a.start;
      return { shape, dtype: x!.dtype };
    },
  },
  concat: {
    arity: "variadic", groups: ["movement"], differentiable: true,
    infer: (ins, a) => {
      const first = ins[0]!;
      checkAxis(a.axis, first.shape.length, "concat");
      let total = 0;
      for (const t of ins) {
        const ok = t.dtype === first.dtype && t.shape.length === first.shape.length && t.shape.every((d, i) => i === a.axis || d === first.shape[i]);
        if (!ok) throw new IrError(`concat: ${typeText(t)} does not match ${typeText(first)} outside axis ${a.axis}`);
        total += t.shape[a.axis]!;
      }
      const shape = [...first.shape];
      shape[a.axis] = total;
      return { shape, dtype: first.dtype };
    },
  },
  pad: {
    arity: 1, groups: ["movement"], differentiable: true,
    infer: ([x], a) => {
      if (a.pads.length !== x!.shape.length) throw new IrError(`pad: ${a.pads.length} pads for ${typeText(x!)}`);
      a.pads.forEach((p, i) => checkPair(p, `pad axis ${i}`, 0));
      return { shape: x!.shape.map((d, i) => d + a.pads[i]![0] + a.pads[i]![1]), dtype: x!.dtype };
    },
  },

  // Input: the step counter (i32 scalar), so each step draws new numbers and a run is reproducible.
  random_uniform: {
    arity: 1, groups: ["random"], differentiable: false,
    infer: ([step], a) => {
      checkRandom(step!, a, "random_uniform");
      if (!(a.low < a.high)) throw new IrError(`random_uniform: needs low < high`);
      return f32([...a.shape]);
    },
  },
  random_normal: {
    arity: 1, groups: ["random"], differentiable: false,
    infer: ([step], a) => {
      checkRandom(step!, a, "random_normal");
      if (!(a.std >= 0) || !Number.isFinite(a.mean)) throw new IrError(`random_normal: needs finite mean and std >= 0`);
      return f32([...a.shape]);
    },
  },
  stop_gradient: { arity: 1, groups: ["elementwise", "unary"], differentiable: false, infer: ([x]) => ({ shape: [...x!.shape], dtype: x!.dtype }) },
};

export const opNames = Object.keys(ops) as OpName[];

export function isOpName(s: string): s is OpName {
  return Object.prototype.hasOwnProperty.call(ops, s);
}

export function opsIn(group: OpGroup): OpName[] {
  return opNames.filter((n) => ops[n].groups.includes(group));
}

/** Shape/dtype of `op` applied to inputs of the given types; throws IrError on misuse (arity included). */
export function inferType<K extends OpName>(op: K, inputs: readonly TensorType[], attrs: OpAttrs[K]): TensorType {
  const spec = ops[op] as OpSpec<K>;
  const arity = spec.arity;
  if (arity === "variadic" ? inputs.length < 1 : inputs.length !== arity) {
    throw new IrError(`${op}: expected ${arity === "variadic" ? "at least 1" : arity} input(s), got ${inputs.length}`);
  }
  return spec.infer(inputs, attrs);
}
