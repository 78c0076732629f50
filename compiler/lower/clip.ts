// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_: total = ‖all gradients‖₂ (one vector),
// every gradient scaled by min(1, max_norm / (total + 1e−6)). Applied per objective, over its parameters.

import type { Builder } from "../ir/builder.js";
import type { NodeId } from "../ir/graph.js";

export function clipByGlobalNorm(b: Builder, grads: readonly NodeId[], maxNorm: number): NodeId[] {
  if (grads.length === 0) return [];
  const squares = grads.map((g) => b.sum(b.unary("square", g)));
  const total = b.unary("sqrt", squares.slice(1).reduce((acc, s) => b.add(acc, s), squares[0]!));
  const coef = b.binary("minimum", b.scalar(1), b.div(b.scalar(maxNorm), b.add(total, b.scalar(1e-6))));
  return grads.map((g) => b.mul(g, coef));
}
