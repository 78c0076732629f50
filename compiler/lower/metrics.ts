// Metrics: accuracy (arg-max equals the label; `ignore` drops positions), top_k (the label's logit is
// beaten by fewer than k others; ties count in the label's favour), mean_iou (per-class intersection over
// union of the arg-max map and the labels, averaged over classes that occur in either). A metric is a
// scalar in the train graph and a per-example f32[B] in the evaluate graph (see losses.ts for how the
// per-example values average back to the scalar), unless the host aggregates it another way
// (`metricAggregate`, runtime/aggregate.ts): then the evaluate graph gives one row per example, f32[B, K].
//   mean_iou       rows of C intersections then C unions; the host divides the dataset's sums (the
//                  dataset-wide mean IoU, not a mean of per-example IoUs); the train graph keeps the
//                  batch-wide ratio as its scalar
//   detection_map, mask_map
//                  rows of the inputs flattened one after the other (i32 as f32); the host decodes, runs
//                  NMS and computes AP over the set; a training step has no value for them, so the
//                  train graph leaves them (and any metric computed from them) out: `setLevel`

import type { NodeId } from "../ir/graph.js";
import type { Op, ValueId } from "../check/types.js";
import type { MetricAggregate } from "../program/types.js";
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
  if (ctx.perExample) return [b.concat([inter, union], 1)];
  const present = b.binary("greater", union, b.scalar(0));
  const iou = b.div(inter, b.binary("maximum", union, b.scalar(1)));
  return [b.div(b.sum(b.mul(iou, present), -1), b.binary("maximum", b.sum(present, -1), b.scalar(1)))];
};

/** Metric ops whose value exists only over a whole set (the host's AP): nothing to report per step. */
const SET_LEVEL: ReadonlySet<string> = new Set(["detection_map", "mask_map"]);

/** Whether a metric value is, or is computed from, a set-level metric (the train step leaves it out). */
export function setLevel(ops: readonly Op[], value: ValueId): boolean {
  const producer = new Map<ValueId, Op>();
  for (const op of ops) for (const o of op.outputs) producer.set(o.id, op);
  const seen = new Set<Op>();
  const stack = [value];
  while (stack.length > 0) {
    const op = producer.get(stack.pop()!);
    if (op === undefined || seen.has(op)) continue;
    if (SET_LEVEL.has(op.op)) return true;
    seen.add(op);
    stack.push(...op.inputs);
  }
  return false;
}

/** The evaluate rows of a task metric: its inputs flattened per example; no value in a training step. */
const inputRows: OpRule = (ctx, _op, inputs) => {
  const { b } = ctx;
  if (!ctx.perExample) return [b.scalar(NaN)];
  const rows = inputs.map((x) => {
    const [batch, ...rest] = b.shape(x);
    const flat = b.reshape(x, [batch!, rest.reduce((n, d) => n * d, 1)]);
    return b.type(x).dtype === "f32" ? flat : b.cast(flat, "f32");
  });
  return [b.concat(rows, 1)];
};

export const metricRules: Record<string, OpRule> = { accuracy, top_k: topK, mean_iou: meanIou, detection_map: inputRows, mask_map: inputRows };

/**
 * How the host reduces the evaluate rows of a metric op over a dataset, given its input shapes; undefined
 * for the per-example mean (every other metric, and expressions over metrics).
 */
export function metricAggregate(op: Op, shapes: readonly (readonly number[])[]): MetricAggregate | undefined {
  const num = (name: string, fallback: number) => {
    const v = op.config[name];
    return typeof v === "number" ? v : fallback;
  };
  if (op.op === "mean_iou") {
    const logits = shapes[0]!;
    return { kind: "ratio", config: { k: logits[normAxis(num("axis", -1), logits.length)]! } };
  }
  if (op.op !== "detection_map" && op.op !== "mask_map") return undefined;
  const config: Record<string, number> = { grid: shapes[0]![2]!, classes: shapes[2]![1]!, iou: num("iou", 0.5), nms: num("nms", 0.5), min_score: num("min_score", 0.01) };
  if (op.op === "mask_map") {
    config["height"] = shapes[3]![2]!;
    config["width"] = shapes[3]![3]!;
  }
  return { kind: op.op, config };
}
