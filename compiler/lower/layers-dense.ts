// Dense (nn.Linear) lowered to a matmul with the weight [out, in] read transposed (transB), so the stored
// layout is PyTorch's and checkpoints map one to one. Inputs of any rank [..., in] are flattened to
// [N, in] first and reshaped back afterwards: one 2-d matmul is what every backend does best.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { paramOf, requireParam, type LowerCtx, type OpRule } from "./context.js";

/** y = x·Wᵀ + b on the last axis of x. */
export function linear(ctx: LowerCtx, x: NodeId, weight: NodeId, bias: NodeId | undefined): NodeId {
  const { b } = ctx;
  const shape = b.shape(x);
  const inSize = shape[shape.length - 1] ?? 1;
  const out = b.shape(weight)[0]!;
  const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const flat = shape.length === 2 ? x : b.reshape(x, [rows, inSize]);
  let y = b.matmul(flat, weight, { transB: true });
  if (bias !== undefined) y = b.add(y, bias);
  return shape.length === 2 ? y : b.reshape(y, [...shape.slice(0, -1), out]);
}

const dense: OpRule = (ctx: LowerCtx, op: Op, [x]) => [linear(ctx, x!, requireParam(ctx, op, "weight"), paramOf(ctx, op, "bias"))];

export const denseRules: Record<string, OpRule> = { Dense: dense };
