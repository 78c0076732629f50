// Pure functions of the catalogue (activations, softmax, reductions, matmul, stop_grad, pooling) and the
// checker's built-in arithmetic ops (constant, add, sub, mul, div, neg). Pooling on [B, C, L] runs the 2-d
// kernel on [B, C, 1, L]; global pools are reductions over every axis after the channels.

import type { NodeId } from "../ir/graph.js";
import type { UnaryOp } from "../ir/builder.js";
import type { Op } from "../check/types.js";
import { cfgBool, cfgNumber, LowerError, normAxis, type LowerCtx, type OpRule } from "./context.js";

const unary = (op: UnaryOp): OpRule => (ctx, _op, [x]) => [ctx.b.unary(op, x!)];

const constant: OpRule = (ctx, op) => {
  const out = op.outputs[0]!;
  return [ctx.b.const([ctx.dim(op.config["value"], "constant")], [], out.dtype)];
};

const binary = (name: "add" | "sub" | "mul" | "div"): OpRule => (ctx, _op, [a, c]) => [ctx.b.binary(name, a!, c!)];

/** The checker's `axis` config (int, list or absent) as normalised axes; absent means all. */
function reduceAxes(ctx: LowerCtx, op: Op, rank: number): number[] {
  const raw = op.config["axis"];
  if (raw === undefined || raw === null) return [...Array(rank).keys()];
  const list = Array.isArray(raw) ? raw : [raw];
  return [...new Set(list.map((a) => normAxis(ctx.dim(a, "axis"), rank)))].sort((p, q) => p - q);
}

const reduction = (name: "sum" | "mean" | "max"): OpRule => (ctx, op, [x]) => {
  const { b } = ctx;
  if (b.type(x!).dtype !== "f32") throw new LowerError("DLM4010", `${name} over an i32 tensor cannot be lowered yet`);
  return [b.reduce(name, x!, reduceAxes(ctx, op, b.rank(x!)), cfgBool(op.config, "keep", false))];
};

const axisOf = (ctx: LowerCtx, op: Op, x: NodeId, fallback = -1) => normAxis(cfgNumber(ctx, op.config, "axis", fallback), ctx.b.rank(x));

/** Runs a 2-d pooling op on [B, C, L] as [B, C, 1, L]. */
function pool2d(ctx: LowerCtx, x: NodeId, f: (x4: NodeId, one: boolean) => NodeId): NodeId {
  const { b } = ctx;
  const shape = b.shape(x);
  if (shape.length === 4) return f(x, false);
  const [n, c, l] = shape as [number, number, number];
  const y = f(b.reshape(x, [n, c, 1, l]), true);
  const ys = b.shape(y);
  return b.reshape(y, [ys[0]!, ys[1]!, ys[3]!]);
}

const pool = (kind: "max" | "avg"): OpRule => (ctx, op, [x]) => {
  const k = cfgNumber(ctx, op.config, "kernel");
  const s = cfgNumber(ctx, op.config, "stride", k);
  const p = cfgNumber(ctx, op.config, "pad", 0);
  return [pool2d(ctx, x!, (x4, one) => {
    const kernel: [number, number] = one ? [1, k] : [k, k];
    const o = { stride: (one ? [1, s] : [s, s]) as [number, number], pad: (one ? [0, p] : [p, p]) as [number, number] };
    return kind === "max" ? ctx.b.maxPool2d(x4, kernel, o) : ctx.b.avgPool2d(x4, kernel, o);
  })];
};

const globalPool = (kind: "max" | "mean"): OpRule => (ctx, _op, [x]) => {
  const rank = ctx.b.rank(x!);
  return [ctx.b.reduce(kind, x!, [...Array(rank).keys()].slice(2))];
};

/**
 * The [n·f, n] matrix of 1-d linear interpolation with PyTorch's align_corners=False: output i reads
 * source position max(0, (i + ½)/f − ½), split between its two neighbours (the last one clamped).
 */
export function interpolationMatrix(n: number, f: number): number[] {
  const m = new Array<number>(n * f * n).fill(0);
  for (let i = 0; i < n * f; i++) {
    const src = Math.max(0, (i + 0.5) / f - 0.5);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    const t = src - i0;
    m[i * n + i0]! += 1 - t;
    m[i * n + i1]! += t;
  }
  return m;
}

/** Bilinear upsampling of [B, C, H, W] as two matmuls with interpolation matrices: A_h · x · A_wᵀ. */
function bilinear(ctx: LowerCtx, x: NodeId, f: number): NodeId {
  const { b } = ctx;
  const [n, c, h, w] = b.shape(x) as [number, number, number, number];
  const rows = b.matmul(b.const(interpolationMatrix(h, f), [h * f, h]), b.reshape(x, [n * c, h, w]));
  const both = b.matmul(rows, b.const(interpolationMatrix(w, f), [w * f, w]), { transB: true });
  return b.reshape(both, [n, c, h * f, w * f]);
}

const upsample: OpRule = (ctx, op, [x]) => {
  const f = cfgNumber(ctx, op.config, "factor");
  if (op.config["mode"] === "bilinear") return [bilinear(ctx, x!, f)];
  return [pool2d(ctx, x!, (x4, one) => ctx.b.upsampleNearest2d(x4, one ? [1, f] : [f, f]))];
};

export const functionRules: Record<string, OpRule> = {
  constant,
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div"),
  neg: unary("neg"),
  relu: unary("relu"),
  gelu: unary("gelu"),
  silu: unary("silu"),
  tanh: unary("tanh"),
  sigmoid: unary("sigmoid"),
  exp: unary("exp"),
  log: unary("log"),
  sqrt: unary("sqrt"),
  abs: unary("abs"),
  square: unary("square"),
  leaky_relu: (ctx, op, [x]) => [ctx.b.leakyRelu(x!, cfgNumber(ctx, op.config, "slope", 0.01))],
  softmax: (ctx, op, [x]) => [ctx.b.softmax(x!, axisOf(ctx, op, x!))],
  log_softmax: (ctx, op, [x]) => [ctx.b.logSoftmax(x!, axisOf(ctx, op, x!))],
  sum: reduction("sum"),
  mean: reduction("mean"),
  max: reduction("max"),
  matmul: (ctx, _op, [a, c]) => [ctx.b.matmul(a!, c!)],
  stop_grad: (ctx, _op, [x]) => [ctx.b.stopGradient(x!)],
  max_pool: pool("max"),
  avg_pool: pool("avg"),
  global_avg_pool: globalPool("mean"),
  global_max_pool: globalPool("max"),
  upsample,
};
