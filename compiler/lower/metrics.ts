// Metrics: accuracy (arg-max equals the label; `ignore` drops positions), top_k (the label's logit is
// beaten by fewer than k others; ties count in the label's favour), mean_iou (per-class intersection over
// union of the arg-max map and the labels, averaged over classes that occur in either). A metric is a
// scalar in the train graph and a per-example f32[B] in the evaluate graph (see losses.ts for how the
// per-example values average back to the scalar).

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgNumber, normAxis, type LowerCtx, type OpRule } from "./context.js";
import { keepMask, reduceValues } from "./losses.js";

function classAxis(ctx: LowerCtx, op: Op, logits: NodeId): number {
  return normAxis(cfgNumber(ctx, op.config, "axis", -1), ctx.b.rank(logits));
}

const accuracy: OpRule = (ctx, op, [logits, labels]) => {
  const { b } = ctx;
  const pred = b.argmax(logits!, classAxis(ctx, op, logits!));
  const correct = b.binary("equal", pred, labels!);
  const ignore = op.config["ignore"];
  return [reduceValues(ctx, op, correct, typeof ignore === "number" ? keepMask(ctx, labels!, ignore) : undefined)];
};

const topK: OpRule = (ctx, op, [logits, labels]) => {
  const { b } = ctx;
  const axis = classAxis(ctx, op, logits!);
  const k = cfgNumber(ctx, op.config, "k", 5);
  const own = b.takeAlongAxis(logits!, labels!, axis);
  const shape = [...b.shape(own)];
  shape.splice(axis, 0, 1);
  const beaten = b.sum(b.binary("greater", logits!, b.reshape(own, shape)), axis);
  return [reduceValues(ctx, op, b.binary("greater", b.scalar(k), beaten))];
};

/** ids [...S] → one-hot f32 [...S, C]. */
function oneHot(ctx: LowerCtx, ids: NodeId, classes: number): NodeId {
  const { b } = ctx;
  const iota = b.const([...Array(classes).keys()], [classes], "i32");
  return b.binary("equal", b.reshape(ids, [...b.shape(ids), 1]), iota);
}

const meanIou: OpRule = (ctx, op, [logits, labels]) => {
  const { b } = ctx;
  const axis = classAxis(ctx, op, logits!);
  const classes = b.shape(logits!)[axis]!;
  const p = oneHot(ctx, b.argmax(logits!, axis), classes);
  const l = oneHot(ctx, labels!, classes);
  const rank = b.rank(p);
  // Sum over positions: all axes but the class axis (last), and but the batch axis per example.
  const axes = [...Array(rank - 1).keys()].slice(ctx.perExample ? 1 : 0);
  const total = (v: NodeId) => (axes.length === 0 ? v : b.sum(v, axes));
  const inter = total(b.mul(p, l));
  const union = b.sub(b.add(total(p), total(l)), inter);
  const present = b.binary("greater", union, b.scalar(0));
  const iou = b.div(inter, b.binary("maximum", union, b.scalar(1)));
  return [b.div(b.sum(b.mul(iou, present), -1), b.binary("maximum", b.sum(present, -1), b.scalar(1)))];
};

export const metricRules: Record<string, OpRule> = { accuracy, top_k: topK, mean_iou: meanIou };
