// Convolutions. Conv2d maps to conv2d (weight [O, C, KH, KW], PyTorch's layout) plus a broadcast bias.
// Conv1d is Conv2d on a height-1 image: [B, C, L] → [B, C, 1, L] with kernel [1, k], so one kernel (and one
// gradient rule) serves both. Padding comes resolved from the checker as [before, after] per axis; when the
// two differ (`pad: same` with an even kernel) the input is zero-padded explicitly and the conv pads 0.
// ConvTranspose2d is conv2d_backward_input: PyTorch stores its weight [in, out, KH, KW], which is conv2d's
// [O, C, KH, KW] seen from the backward side, so the weight is used as stored and the requested output
// size (output_pad included) is the "input size" of the conv it transposes.

import type { NodeId } from "../ir/graph.js";
import type { Pair } from "../ir/op-attrs.js";
import type { Op } from "../check/types.js";
import { cfgInts, LowerError, paramOf, requireParam, type LowerCtx, type OpRule } from "./context.js";

/** The checker's resolved padding: per spatial axis [before, after]. */
function padding(ctx: LowerCtx, op: Op, n: number): Pair[] {
  const raw = op.config["padding"];
  if (!Array.isArray(raw)) {
    const p = cfgInts(ctx, op.config, "pad", n, 0);
    return p.map((v) => [v, v] as Pair);
  }
  return Array.from({ length: n }, (_, i) => {
    const axis = raw[i];
    if (!Array.isArray(axis)) throw new LowerError("DLM4012", `${op.op}: padding of axis ${i} is not known`);
    return [ctx.dim(axis[0], "padding"), ctx.dim(axis[1], "padding")] as Pair;
  });
}

function addChannelBias(ctx: LowerCtx, y: NodeId, bias: NodeId | undefined): NodeId {
  if (bias === undefined) return y;
  const o = ctx.b.shape(bias)[0]!;
  return ctx.b.add(y, ctx.b.reshape(bias, [1, o, 1, 1]));
}

/** conv2d with possibly asymmetric padding, on 4-d x and w. */
function conv(ctx: LowerCtx, x: NodeId, w: NodeId, pads: Pair[], stride: Pair, dilation: Pair): NodeId {
  const { b } = ctx;
  const symmetric = pads.every(([p, q]) => p === q);
  const input = symmetric ? x : b.pad(x, [[0, 0], [0, 0], ...pads]);
  const pad: Pair = symmetric ? [pads[0]![0], pads[1]![0]] : [0, 0];
  return b.conv2d(input, w, { stride, pad, dilation });
}

const conv2d: OpRule = (ctx, op, [x]) => {
  const stride = cfgInts(ctx, op.config, "stride", 2, 1) as Pair;
  const dilation = cfgInts(ctx, op.config, "dilation", 2, 1) as Pair;
  const y = conv(ctx, x!, requireParam(ctx, op, "weight"), padding(ctx, op, 2), stride, dilation);
  return [addChannelBias(ctx, y, paramOf(ctx, op, "bias"))];
};

const conv1d: OpRule = (ctx, op, [x]) => {
  const { b } = ctx;
  const [n, c, l] = b.shape(x!) as [number, number, number];
  const w = requireParam(ctx, op, "weight");
  const [o, wc, k] = b.shape(w) as [number, number, number];
  const [s] = cfgInts(ctx, op.config, "stride", 1, 1);
  const [d] = cfgInts(ctx, op.config, "dilation", 1, 1);
  const y = conv(ctx, b.reshape(x!, [n, c, 1, l]), b.reshape(w, [o, wc, 1, k]), [[0, 0], ...padding(ctx, op, 1)], [1, s!], [1, d!]);
  const out = addChannelBias(ctx, y, paramOf(ctx, op, "bias"));
  const shape = b.shape(out);
  return [b.reshape(out, [n, o, shape[3]!])];
};

const convTranspose2d: OpRule = (ctx, op, [x]) => {
  const { b } = ctx;
  const w = requireParam(ctx, op, "weight");
  const [, , h, wd] = b.shape(x!) as [number, number, number, number];
  const [, , kh, kw] = b.shape(w) as [number, number, number, number];
  const s = cfgInts(ctx, op.config, "stride", 2, 1);
  const p = cfgInts(ctx, op.config, "pad", 2, 0);
  const outPad = cfgInts(ctx, op.config, "output_pad", 2, 0);
  const d = cfgInts(ctx, op.config, "dilation", 2, 1);
  const size = (i: number, len: number, k: number) => (len - 1) * s[i]! - 2 * p[i]! + d[i]! * (k - 1) + outPad[i]! + 1;
  const y = b.conv2dBackwardInput(x!, w, [size(0, h, kh), size(1, wd, kw)], { stride: s as Pair, pad: p as Pair, dilation: d as Pair });
  return [addChannelBias(ctx, y, paramOf(ctx, op, "bias"))];
};

export const convRules: Record<string, OpRule> = { Conv1d: conv1d, Conv2d: conv2d, ConvTranspose2d: convTranspose2d };
