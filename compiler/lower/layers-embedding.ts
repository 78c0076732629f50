// Lookup-style layers: Embedding (a gather of rows of weight [vocab, dim]), PositionalEmbedding (learned:
// the first T rows of weight [max, D] added to every example; sinusoidal: the fixed table of "Attention is
// all you need", PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(same), as a constant) and ClassToken
// (one learned [1, 1, D] vector broadcast over the batch and prepended on the time axis).

import type { Op } from "../check/types.js";
import { requireParam, type LowerCtx, type OpRule } from "./context.js";

const embedding: OpRule = (ctx, op, [ids]) => [ctx.b.gather(requireParam(ctx, op, "weight"), ids!)];

export function sinusoidTable(t: number, d: number): number[] {
  const values: number[] = [];
  for (let pos = 0; pos < t; pos++) {
    for (let i = 0; i < d; i++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(i / 2)) / d);
      values.push(i % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  }
  return values;
}

const positional: OpRule = (ctx: LowerCtx, op: Op, [x]) => {
  const { b } = ctx;
  const [, t, d] = b.shape(x!) as [number, number, number];
  const table = op.config["kind"] === "sinusoidal"
    ? b.const(sinusoidTable(t, d), [t, d])
    : b.slice(requireParam(ctx, op, "weight"), 0, 0, t);
  return [b.add(x!, table)];
};

const classToken: OpRule = (ctx, op, [x]) => {
  const { b } = ctx;
  const [batch, , d] = b.shape(x!) as [number, number, number];
  const token = b.broadcastTo(requireParam(ctx, op, "token"), [batch, 1, d]);
  return [b.concat([token, x!], 1)];
};

export const embeddingRules: Record<string, OpRule> = { Embedding: embedding, PositionalEmbedding: positional, ClassToken: classToken };
