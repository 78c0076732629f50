// Data movement functions: flatten, reshape, transpose, permute, concat, split, slice, take, last, patches.
// Target shapes come from the checker's (concretised) output types, so `-1` in reshape is already resolved.
// patches(p) is ViT's patch embedding input: [B, C, H, W] → [B, H/p, p, W/p, p] blocks → [B, (H/p)(W/p),
// C·p·p] with each patch flattened channel-major (C, then rows, then columns), the order of a Conv2d weight.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgNumber, normAxis, type LowerCtx, type OpRule } from "./context.js";

/** The concrete shape of output i of the op. */
export function outShape(ctx: LowerCtx, op: Op, i = 0): number[] {
  return op.outputs[i]!.shape.map((d) => ctx.dim(d, `a dim of ${op.op}'s result`));
}

const reshapeTo: OpRule = (ctx, op, [x]) => [ctx.b.reshape(x!, outShape(ctx, op))];

const transpose: OpRule = (ctx, op, [x]) => {
  const r = ctx.b.rank(x!);
  const a = normAxis(cfgNumber(ctx, op.config, "a"), r);
  const c = normAxis(cfgNumber(ctx, op.config, "b"), r);
  const perm = [...Array(r).keys()];
  [perm[a], perm[c]] = [perm[c]!, perm[a]!];
  return [ctx.b.transpose(x!, perm)];
};

const permute: OpRule = (ctx, op, [x]) => {
  const r = ctx.b.rank(x!);
  const raw = op.config["perm"];
  const perm = (Array.isArray(raw) ? raw : [raw]).map((p) => normAxis(ctx.dim(p, "perm"), r));
  return [ctx.b.transpose(x!, perm)];
};

const concat: OpRule = (ctx, op, xs) => [ctx.b.concat(xs, normAxis(cfgNumber(ctx, op.config, "axis", -1), ctx.b.rank(xs[0]!)))];

const split: OpRule = (ctx, op, [x]) => {
  const axis = normAxis(cfgNumber(ctx, op.config, "axis", -1), ctx.b.rank(x!));
  let start = 0;
  return op.outputs.map((_, i) => {
    const size = outShape(ctx, op, i)[axis]!;
    const part = ctx.b.slice(x!, axis, start, start + size);
    start += size;
    return part;
  });
};

const slice: OpRule = (ctx, op, [x]) => {
  const axis = normAxis(cfgNumber(ctx, op.config, "axis", -1), ctx.b.rank(x!));
  const size = ctx.b.shape(x!)[axis]!;
  const at = (i: number) => (i < 0 ? i + size : i);
  return [ctx.b.slice(x!, axis, at(cfgNumber(ctx, op.config, "start")), at(cfgNumber(ctx, op.config, "end")))];
};

export function take(ctx: LowerCtx, x: NodeId, index: number, axisIn: number): NodeId {
  const shape = ctx.b.shape(x);
  const axis = normAxis(axisIn, shape.length);
  const i = index < 0 ? index + shape[axis]! : index;
  return ctx.b.reshape(ctx.b.slice(x, axis, i, i + 1), shape.filter((_, k) => k !== axis));
}

const patches: OpRule = (ctx, op, [x]) => {
  const { b } = ctx;
  const p = cfgNumber(ctx, op.config, "size");
  const [n, c, h, w] = b.shape(x!) as [number, number, number, number];
  const blocks = b.reshape(x!, [n, c, h / p, p, w / p, p]);
  const moved = b.transpose(blocks, [0, 2, 4, 1, 3, 5]); // [B, H/p, W/p, C, p, p]
  return [b.reshape(moved, [n, (h / p) * (w / p), c * p * p])];
};

export const shapeRules: Record<string, OpRule> = {
  flatten: reshapeTo,
  reshape: reshapeTo,
  transpose,
  permute,
  concat,
  split,
  slice,
  take: (ctx, op, [x]) => [take(ctx, x!, cfgNumber(ctx, op.config, "index"), cfgNumber(ctx, op.config, "axis", 0))],
  last: (ctx, _op, [x]) => [take(ctx, x!, -1, 1)],
  patches,
};
