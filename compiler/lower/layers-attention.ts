// SelfAttention and MultiHeadAttention, as torch.nn.MultiheadAttention computes them (batch_first):
// project q, k, v; split D into `heads` of D/heads; softmax(q·kᵀ/√(D/heads) + mask)·v per head; merge the
// heads; out_proj. The causal mask is a constant [T, S] of 0 and −1e9 added before the softmax (a large
// finite value rather than −∞, so a fully masked row cannot produce NaN in either pass). A padding mask
// (f32 [B, S], 1 attend, 0 skip) adds (mask − 1)·1e9 as [B, 1, 1, S], the same large finite value; like
// key_padding_mask in torch, but a row with every key masked comes out uniform instead of NaN.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgBool, cfgNumber, inputOf, requireParam, type LowerCtx, type OpRule } from "./context.js";
import { linear } from "./layers-dense.js";

const MASKED = -1e9;

/** [B, T, D] → [B, heads, T, D/heads] */
function splitHeads(ctx: LowerCtx, x: NodeId, heads: number): NodeId {
  const [batch, t, d] = ctx.b.shape(x) as [number, number, number];
  return ctx.b.transpose(ctx.b.reshape(x, [batch, t, heads, d / heads]), [0, 2, 1, 3]);
}

export function attend(ctx: LowerCtx, q: NodeId, k: NodeId, v: NodeId, heads: number, causal: boolean, padding?: NodeId): NodeId {
  const { b } = ctx;
  const [batch, t, d] = b.shape(q) as [number, number, number];
  const s = b.shape(k)[1]!;
  const qh = splitHeads(ctx, q, heads);
  const kh = splitHeads(ctx, k, heads);
  const vh = splitHeads(ctx, v, heads);
  let scores = b.scale(b.matmul(qh, kh, { transB: true }), 1 / Math.sqrt(d / heads)); // [B, h, T, S]
  if (causal) {
    const mask: number[] = [];
    for (let i = 0; i < t; i++) for (let j = 0; j < s; j++) mask.push(j > i ? MASKED : 0);
    scores = b.add(scores, b.const(mask, [t, s]));
  }
  if (padding !== undefined) {
    const bias = b.scale(b.binary("sub", padding, b.const([1], [])), -MASKED);
    scores = b.add(scores, b.reshape(bias, [batch, 1, 1, s]));
  }
  const out = b.matmul(b.softmax(scores, -1), vh); // [B, h, T, dh]
  return b.reshape(b.transpose(out, [0, 2, 1, 3]), [batch, t, d]);
}

const selfAttention: OpRule = (ctx, op: Op, ins) => {
  const x = ins[0];
  const { b } = ctx;
  const d = b.shape(x!)[2]!;
  const heads = cfgNumber(ctx, op.config, "heads");
  const qkv = linear(ctx, x!, requireParam(ctx, op, "in_proj_weight"), requireParam(ctx, op, "in_proj_bias"));
  const part = (i: number) => b.slice(qkv, -1, i * d, (i + 1) * d);
  const y = attend(ctx, part(0), part(1), part(2), heads, cfgBool(op.config, "causal", false), inputOf(op, ins, "mask"));
  return [linear(ctx, y, requireParam(ctx, op, "out_proj.weight"), requireParam(ctx, op, "out_proj.bias"))];
};

const multiHeadAttention: OpRule = (ctx, op: Op, ins) => {
  const { b } = ctx;
  const x = ins[0]!;
  const context = inputOf(op, ins, "context") ?? x;
  const d = b.shape(x)[2]!;
  const heads = cfgNumber(ctx, op.config, "heads");
  const bias = requireParam(ctx, op, "in_proj_bias");
  const part = (i: number) => b.slice(bias, 0, i * d, (i + 1) * d);
  const q = linear(ctx, x, requireParam(ctx, op, "q_proj_weight"), part(0));
  const k = linear(ctx, context, requireParam(ctx, op, "k_proj_weight"), part(1));
  const v = linear(ctx, context, requireParam(ctx, op, "v_proj_weight"), part(2));
  const y = attend(ctx, q, k, v, heads, cfgBool(op.config, "causal", false), inputOf(op, ins, "mask"));
  return [linear(ctx, y, requireParam(ctx, op, "out_proj.weight"), requireParam(ctx, op, "out_proj.bias"))];
};

export const attentionRules: Record<string, OpRule> = { SelfAttention: selfAttention, MultiHeadAttention: multiHeadAttention };
