// The attrs of every primitive op, as one interface keyed by op name. `OpName` is derived from it, so an op
// exists exactly when it has an attrs entry here and a row in ops.ts (a missing row is a type error there).
//
// Conventions: axes are normalised (0 <= axis < rank; the builder accepts negative axes and normalises);
// pairs are [h, w]; a "stream" is a stable small integer chosen by lowering, one per random call site.

import type { DType } from "./shapes.js";

export type Pair = [number, number];
export type NoAttrs = Record<string, never>;

export interface ConvAttrs {
  stride: Pair;
  /** Symmetric zero padding per side. */
  pad: Pair;
  dilation: Pair;
  groups: number;
}

export interface PoolAttrs {
  kernel: Pair;
  stride: Pair;
  /** max_pool2d pads with −∞, avg_pool2d with zeros that count in the mean (count_include_pad). */
  pad: Pair;
}

export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

export interface OpAttrs {
  // sources
  const: { values: number[]; shape: number[]; dtype: DType };
  input: { name: string; shape: number[]; dtype: DType };
  param: { name: string; shape: number[]; dtype: DType };
  // elementwise unary (f32)
  neg: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sqrt: NoAttrs;
  rsqrt: NoAttrs;
  abs: NoAttrs;
  square: NoAttrs;
  tanh: NoAttrs;
  sigmoid: NoAttrs;
  relu: NoAttrs;
  leaky_relu: { alpha: number };
  erf: NoAttrs;
  gelu: NoAttrs;
  silu: NoAttrs;
  sign: NoAttrs;
  pow: { exponent: number };
  // elementwise binary, broadcasting
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  maximum: NoAttrs;
  minimum: NoAttrs;
  greater: NoAttrs;
  equal: NoAttrs;
  select: NoAttrs;
  cast: { to: DType };
  // reductions
  sum: ReduceAttrs;
  mean: ReduceAttrs;
  max: ReduceAttrs;
  argmax: { axis: number; keepdims: boolean };
  // contraction and convolution
  matmul: { transA: boolean; transB: boolean };
  conv2d: ConvAttrs;
  conv2d_backward_input: ConvAttrs & { inputSize: Pair };
  conv2d_backward_weight: ConvAttrs & { kernel: Pair };
  // pooling and resampling
  max_pool2d: PoolAttrs;
  max_pool2d_backward: PoolAttrs;
  avg_pool2d: PoolAttrs;
  avg_pool2d_backward: PoolAttrs & { inputSize: Pair };
  upsample_nearest2d: { scale: Pair };
  upsample_nearest2d_backward: { scale: Pair };
  // softmax family
  softmax: { axis: number };
  log_softmax: { axis: number };
  softmax_backward: { axis: number };
  log_softmax_backward: { axis: number };
  // indexing
  gather: NoAttrs;
  scatter_add: { rows: number };
  take_along_axis: { axis: number; ignore: number | null };
  scatter_along_axis: { axis: number; size: number; ignore: number | null };
  // movement
  reshape: { shape: number[] };
  transpose: { perm: number[] };
  broadcast_to: { shape: number[] };
  slice: { axis: number; start: number; end: number };
  concat: { axis: number };
  pad: { pads: Pair[] };
  // random and control
  random_uniform: { shape: number[]; stream: number; low: number; high: number };
  random_normal: { shape: number[]; stream: number; mean: number; std: number };
  stop_gradient: NoAttrs;
}

export type OpName = keyof OpAttrs;
