// Losses, PyTorch semantics: cross_entropy (log_softmax + negative log-likelihood, `ignore` like
// ignore_index, probabilities as soft targets), bce (log clamped at −100 as torch does), bce_logits (the
// stable form max(x, 0) − x·y + log(1 + e^−|x|)), mse, mae, huber (0.5d² below delta, delta(|d| − delta/2)
// above).
//
// Reduction. Every loss first builds its elementwise values e[B, ...]; `reduce: mean` averages them (over
// the positions that are not ignored), `sum` adds them, `none` gives one value per example: the mean over
// every axis but the batch axis 0. Per-example mode (the `evaluate` graph) returns f32[B] for every
// reduction, chosen so that the host's plain average over the real examples of a full batch equals the
// scalar loss: mean → the example's own mean (its non-ignored positions' mean, 0 when it has none; exact
// when every example has as many positions, an example-weighted average with `ignore`), sum → B × the
// example's sum, none → unchanged. A loss over [B, T] therefore becomes the mean over T per example.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgNumber, normAxis, type LowerCtx, type OpRule } from "./context.js";

/** Reduces elementwise loss values e (and an optional 0/1 mask of counted positions) per `reduce`. */
export function reduceValues(ctx: LowerCtx, op: Op, e: NodeId, mask?: NodeId): NodeId {
  const { b } = ctx;
  const reduce = op.config["reduce"] ?? "mean";
  const rank = b.rank(e);
  const rest = [...Array(rank).keys()].slice(1);
  const masked = mask === undefined ? e : b.mul(e, mask);
  const perExample = (): NodeId => {
    if (rank === 0) return e;
    if (rank === 1) return masked;
    if (mask === undefined) return b.mean(e, rest);
    return b.div(b.sum(masked, rest), b.binary("maximum", b.sum(mask, rest), b.scalar(1)));
  };
  if (reduce === "none") return perExample();
  if (ctx.perExample) {
    if (reduce === "sum") return rank === 0 ? e : b.scale(rank === 1 ? masked : b.sum(masked, rest), b.shape(e)[0]!);
    return perExample();
  }
  if (reduce === "sum") return b.sum(masked);
  if (mask === undefined) return b.mean(e);
  return b.div(b.sum(masked), b.binary("maximum", b.sum(mask), b.scalar(1)));
}

/** 1 where ids differ from `ignore`, 0 where they equal it (f32, the ids' shape). */
export function keepMask(ctx: LowerCtx, ids: NodeId, ignore: number): NodeId {
  const { b } = ctx;
  return b.sub(b.scalar(1), b.binary("equal", ids, b.scalar(ignore, "i32")));
}

function ignoreOf(op: Op): number | null {
  const v = op.config["ignore"];
  return typeof v === "number" ? v : null;
}

const crossEntropy: OpRule = (ctx, op, [logits, target]) => {
  const { b } = ctx;
  const axis = normAxis(cfgNumber(ctx, op.config, "axis", -1), b.rank(logits!));
  const ls = b.logSoftmax(logits!, axis);
  if (b.type(target!).dtype === "f32") {
    return [reduceValues(ctx, op, b.neg(b.sum(b.mul(target!, ls), axis)))];
  }
  const ignore = ignoreOf(op);
  const nll = b.neg(b.takeAlongAxis(ls, target!, axis, ignore));
  return [reduceValues(ctx, op, nll, ignore === null ? undefined : keepMask(ctx, target!, ignore))];
};

const bce: OpRule = (ctx, op, [p, y]) => {
  const { b } = ctx;
  const clampLog = (v: NodeId) => b.binary("maximum", b.log(v), b.scalar(-100));
  const one = b.scalar(1);
  const e = b.neg(b.add(b.mul(y!, clampLog(p!)), b.mul(b.sub(one, y!), clampLog(b.sub(one, p!)))));
  return [reduceValues(ctx, op, e)];
};

const bceLogits: OpRule = (ctx, op, [x, y]) => {
  const { b } = ctx;
  const softplusNegAbs = b.log(b.add(b.scalar(1), b.exp(b.neg(b.unary("abs", x!)))));
  const e = b.add(b.sub(b.unary("relu", x!), b.mul(x!, y!)), softplusNegAbs);
  return [reduceValues(ctx, op, e)];
};

const mse: OpRule = (ctx, op, [a, c]) => [reduceValues(ctx, op, ctx.b.unary("square", ctx.b.sub(a!, c!)))];
const mae: OpRule = (ctx, op, [a, c]) => [reduceValues(ctx, op, ctx.b.unary("abs", ctx.b.sub(a!, c!)))];

const huber: OpRule = (ctx, op, [a, c]) => {
  const { b } = ctx;
  const delta = cfgNumber(ctx, op.config, "delta", 1);
  const d = b.unary("abs", b.sub(a!, c!));
  const small = b.scale(b.unary("square", d), 0.5);
  const large = b.scale(b.sub(d, b.scalar(delta / 2)), delta);
  return [reduceValues(ctx, op, b.select(b.binary("greater", b.scalar(delta), d), small, large))];
};

export const lossRules: Record<string, OpRule> = { cross_entropy: crossEntropy, bce, bce_logits: bceLogits, mse, mae, huber };
