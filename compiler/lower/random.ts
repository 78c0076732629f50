// Randomness: dropout and the random tensors normal(...) and uniform(...).
//
// Each random call site draws from its own stream, derived from the checker op's id and the block's seed
// (graph.ts streamOf: stable for a given program and seed, and the same when a step graph is lowered twice
// for several objectives, so both lowerings see the same noise), at the step counter the host passes in.
// Dropout is inverted dropout: in train mode keep = (u > p) for u ~ U(0, 1), y = x·keep/(1 − p), so
// eval mode is the identity and the expected activation is the same in both modes.

import type { Op } from "../check/types.js";
import { cfgNumber, type LowerCtx, type OpRule } from "./context.js";
import { outShape } from "./functions-shape.js";

const dropout: OpRule = (ctx: LowerCtx, op: Op, [x]) => {
  const { b } = ctx;
  const p = cfgNumber(ctx, op.config, "p", 0.5);
  if (ctx.mode === "eval" || p <= 0) return [x!];
  if (p >= 1) return [b.mul(x!, b.scalar(0))];
  const u = b.randomUniform(ctx.step(), b.shape(x!), ctx.stream(op.id), 0, 1);
  const keep = b.binary("greater", u, b.scalar(p));
  return [b.mul(x!, b.scale(keep, 1 / (1 - p)))];
};

const normal: OpRule = (ctx, op) =>
  [ctx.b.randomNormal(ctx.step(), outShape(ctx, op), ctx.stream(op.id), cfgNumber(ctx, op.config, "mean", 0), cfgNumber(ctx, op.config, "std", 1))];

const uniform: OpRule = (ctx, op) =>
  [ctx.b.randomUniform(ctx.step(), outShape(ctx, op), ctx.stream(op.id), cfgNumber(ctx, op.config, "low", 0), cfgNumber(ctx, op.config, "high", 1))];

export const randomRules: Record<string, OpRule> = { dropout, normal, uniform };
