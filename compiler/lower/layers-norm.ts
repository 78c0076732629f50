// LayerNorm and BatchNorm as primitive ops (mean, square, rsqrt), PyTorch semantics.
//
// LayerNorm normalises over the last axis with the biased variance. BatchNorm normalises each channel
// (axis 1) over every other axis: in train mode with the batch's statistics (biased variance, as PyTorch
// normalises), and it also produces the running-stat updates
//   running_mean ← (1 − m)·running_mean + m·mean,  running_var ← (1 − m)·running_var + m·var·n/(n − 1)
// (the unbiased variance for the running estimate, n = elements per channel), which the program writes
// back as buffer updates; in eval mode it normalises with the running statistics.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgNumber, requireParam, type LowerCtx, type OpRule } from "./context.js";

const layerNorm: OpRule = (ctx, op, [x]) => {
  const { b } = ctx;
  const eps = cfgNumber(ctx, op.config, "eps", 1e-5);
  const mu = b.mean(x!, -1, true);
  const centred = b.sub(x!, mu);
  const variance = b.mean(b.unary("square", centred), -1, true);
  const norm = b.mul(centred, b.unary("rsqrt", b.add(variance, b.scalar(eps))));
  return [b.add(b.mul(norm, requireParam(ctx, op, "weight")), requireParam(ctx, op, "bias"))];
};

/** A per-channel vector [C] shaped to broadcast against [B, C, ...]. */
function perChannel(ctx: LowerCtx, v: NodeId, rank: number): NodeId {
  const c = ctx.b.shape(v)[0]!;
  return rank === 2 ? v : ctx.b.reshape(v, [1, c, ...Array<number>(rank - 2).fill(1)]);
}

const batchNorm: OpRule = (ctx: LowerCtx, op: Op, [x]) => {
  const { b } = ctx;
  const eps = cfgNumber(ctx, op.config, "eps", 1e-5);
  const momentum = cfgNumber(ctx, op.config, "momentum", 0.1);
  const shape = b.shape(x!);
  const rank = shape.length;
  const axes = [...Array(rank).keys()].filter((a) => a !== 1);
  const weight = perChannel(ctx, requireParam(ctx, op, "weight"), rank);
  const bias = perChannel(ctx, requireParam(ctx, op, "bias"), rank);
  const runMean = requireParam(ctx, op, "running_mean");
  const runVar = requireParam(ctx, op, "running_var");
  let norm: NodeId;
  if (ctx.mode === "train") {
    const mu = b.mean(x!, axes, true);
    const centred = b.sub(x!, mu);
    const variance = b.mean(b.unary("square", centred), axes, true);
    norm = b.mul(centred, b.unary("rsqrt", b.add(variance, b.scalar(eps))));
    const n = shape.reduce((p, d, i) => (i === 1 ? p : p * d), 1);
    const c = shape[1]!;
    // Running statistics are state, not part of the loss: no gradient should flow into them.
    const muC = b.stopGradient(b.reshape(mu, [c]));
    const varC = b.stopGradient(b.reshape(variance, [c]));
    const keep = b.scalar(1 - momentum);
    // A layer applied twice in one step updates its running stats twice, in order, as PyTorch does.
    const update = (role: string, stat: NodeId, factor: number, param: NodeId) => {
      const state = op.params![role]!;
      const prev = ctx.bufferUpdates.findIndex((u) => u.state === state);
      const base = prev < 0 ? param : ctx.bufferUpdates[prev]!.node;
      const node = b.add(b.mul(base, keep), b.scale(stat, factor));
      if (prev < 0) ctx.bufferUpdates.push({ state, node });
      else ctx.bufferUpdates[prev] = { state, node };
    };
    update("running_mean", muC, momentum, runMean);
    update("running_var", varC, (momentum * n) / Math.max(n - 1, 1), runVar);
  } else {
    const mu = perChannel(ctx, runMean, rank);
    const inv = perChannel(ctx, b.unary("rsqrt", b.add(runVar, b.scalar(eps))), rank);
    norm = b.mul(b.sub(x!, mu), inv);
  }
  return [b.add(b.mul(norm, weight), bias)];
};

export const normRules: Record<string, OpRule> = { LayerNorm: layerNorm, BatchNorm: batchNorm };
