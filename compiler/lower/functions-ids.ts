// one_hot and padding_mask: compares of ids against constants. Both sides are broadcast to the full
// shape first, so the compare is a same-shape `equal` (a native Wasm kernel) rather than a broadcasting
// one; the result is f32 1/0 and has no gradient.

import { cfgNumber, type OpRule } from "./context.js";

const oneHot: OpRule = (ctx, op, [ids]) => {
  const { b } = ctx;
  const n = cfgNumber(ctx, op.config, "n");
  const shape = [...b.shape(ids!), n];
  const column = b.broadcastTo(b.reshape(ids!, [...b.shape(ids!), 1]), shape);
  const positions = b.broadcastTo(b.const(Array.from({ length: n }, (_, i) => i), [n], "i32"), shape);
  return [b.binary("equal", column, positions)];
};

const paddingMask: OpRule = (ctx, op, [ids]) => {
  const { b } = ctx;
  const shape = b.shape(ids!);
  const pad = b.broadcastTo(b.const([cfgNumber(ctx, op.config, "pad", 0)], [], "i32"), shape);
  return [b.binary("sub", b.const([1], []), b.binary("equal", ids!, pad))];
};

export const idRules: Record<string, OpRule> = { one_hot: oneHot, padding_mask: paddingMask };
