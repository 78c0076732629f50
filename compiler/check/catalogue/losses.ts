// Losses and metrics. A loss returns a scalar f32[] (reduce: mean or sum) or, with reduce: none, one
// value per example f32[B] (the mean over every other axis). Metrics return a scalar.
// cross_entropy's target is either i32 class ids (the logits' shape without the class axis) or f32
// probabilities of the logits' shape; `ignore` drops the positions whose id equals it.

import { dimEquals, isConcrete, type Dim } from "../dims.js";
import { broadcastShapes } from "../broadcast.js";
import { cfgNum, fmtType, normAxis, tensor, type ArgSpec, type ErrFn, type FunctionSpec, type TypedInput } from "./spec.js";

const reduceArg: ArgSpec = { name: "reduce", kind: "enum", words: ["mean", "sum", "none"], default: "mean" };

function reduced(reduce: unknown, x: TypedInput) {
  return reduce === "none" ? tensor("f32", x.shape.slice(0, 1)) : tensor("f32", []);
}

/** Equal, or not decidable yet (a symbol on one side): checks wait for concrete sizes. */
function sameDims(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]!) || !isConcrete(d) || !isConcrete(b[i]!));
}

/** The class-axis check shared by cross_entropy and the classification metrics. */
function checkTarget(name: string, logits: TypedInput, target: TypedInput, axisCfg: number | undefined, err: ErrFn, allowProbs: boolean): boolean {
  if (logits.dtype !== "f32") {
    err("DLM2005", `${name}: the logits must be f32, but ${logits.desc}`);
    return false;
  }
  const axis = normAxis(axisCfg, logits.shape.length, name, err);
  if (axis === undefined) return false;
  const without = logits.shape.filter((_, i) => i !== axis);
  if (target.dtype === "i32") {
    if (sameDims(target.shape, without)) return true;
    err("DLM2014", `${name}: class ids must have the logits' shape without the class axis ${axis}: the logits are ${fmtType(logits)}, so the ids should be ${fmtType({ dtype: "i32", shape: without })}, but ${target.desc}`);
    return false;
  }
  if (allowProbs && sameDims(target.shape, logits.shape)) return true;
  err("DLM2014", `${name}: the target must be i32 class ids or f32 probabilities shaped like the logits ${fmtType(logits)}, but ${target.desc}`);
  return false;
}

export const crossEntropy: FunctionSpec = {
  kind: "loss",
  name: "cross_entropy",
  summary: "Softmax cross-entropy of logits against class ids (or probabilities) along the class axis.",
  args: [
    { name: "logits", kind: "tensor" },
    { name: "target", kind: "tensor" },
    { name: "axis", kind: "int", default: -1 },
    { name: "ignore", kind: "int", default: null },
    reduceArg,
  ],
  infer(cfg, [logits, target], err) {
    if (!logits || !target || !checkTarget("cross_entropy", logits, target, cfgNum(cfg, "axis"), err, true)) return undefined;
    return reduced(cfg["reduce"], logits);
  },
};

function pairLoss(name: string, summary: string, extra: ArgSpec[] = [], yKind: "tensor" | "tensor|number" = "tensor"): FunctionSpec {
  return {
    kind: "loss",
    name,
    summary,
    args: [{ name: "a", kind: "tensor" }, { name: "b", kind: yKind }, ...extra, reduceArg],
    infer(cfg, [a, b], err) {
      if (!a || !b) return undefined;
      if (a.dtype !== "f32" || b.dtype !== "f32") {
        err("DLM2005", `${name} needs f32 values, got ${fmtType(a)} and ${fmtType(b)}`);
        return undefined;
      }
      const bc = broadcastShapes(a.shape, b.shape);
      if ("conflict" in bc || bc.shape.length !== a.shape.length) {
        err("DLM2004", `${name}: ${fmtType(a)} and ${fmtType(b)} do not have matching shapes`);
        return undefined;
      }
      return reduced(cfg["reduce"], a);
    },
  };
}

export const lossFunctions = [
  crossEntropy,
  pairLoss("bce", "Binary cross-entropy of probabilities p in (0, 1) against targets y in [0, 1].", [], "tensor|number"),
  pairLoss("bce_logits", "Binary cross-entropy on logits (stable; sigmoid inside); y may be a literal 0 or 1.", [], "tensor|number"),
  pairLoss("mse", "Mean squared error."),
  pairLoss("mae", "Mean absolute error."),
  pairLoss("huber", "Huber loss: squared below delta, linear above.", [{ name: "delta", kind: "float", default: 1.0 }]),
];

function metric(name: string, summary: string, better: "higher" | "lower", extra: ArgSpec[] = []): FunctionSpec {
  return {
    kind: "metric",
    name,
    summary,
    better,
    args: [{ name: "logits", kind: "tensor" }, { name: "labels", kind: "tensor" }, { name: "axis", kind: "int", default: -1 }, ...extra],
    infer(cfg, [logits, labels], err) {
      if (!logits || !labels) return undefined;
      if (labels.dtype !== "i32") {
        err("DLM2005", `${name}: labels must be i32 class ids, but ${labels.desc}`);
        return undefined;
      }
      if (!checkTarget(name, logits, labels, cfgNum(cfg, "axis"), err, false)) return undefined;
      if (name === "top_k") {
        const k = cfgNum(cfg, "k") ?? 5;
        if (k < 1) err("DLM2010", `top_k: k must be at least 1, got ${k}`, "k");
      }
      return tensor("f32", []);
    },
  };
}

export const metricFunctions = [
  metric("accuracy", "Fraction of positions whose arg-max class equals the label.", "higher", [{ name: "ignore", kind: "int", default: null }]),
  metric("top_k", "Fraction of positions whose label is among the k highest logits.", "higher", [{ name: "k", kind: "int", default: 5 }]),
  metric("mean_iou", "Mean over classes of intersection over union of the arg-max map and the labels.", "higher"),
];
