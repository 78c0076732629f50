// Task metrics of the vision examples, computed over the whole test set by the host (runtime/aggregate.ts):
// detection_map (mAP of a grid detector) and mask_map (mask AP of detection plus a mask per box). They
// take the model's head outputs and the digit_canvases targets as they are; the evaluate step hands them to
// the host row by row. Typed as scalars like every metric; a training step has no value for them, and
// trainStep's result leaves them out (compiler/lower/metrics.ts, setLevel).
//
// Shapes (G cells per side, C classes, H×W pixels):
//   objectness f32[B, 1, G, G], boxes f32[B, 4, G, G], classes f32[B, C, G, G]
//   has_object f32[B, 1, G, G], box_target f32[B, 4, G, G], class_target i32[B, G, G]
//   mask_map also: logits f32[B, C + 1, H, W] (0 background, 1 + c class c), mask i32[B, H, W]

import { dimAdd, dimConst, dimEquals, formatDim, isConcrete, type Dim } from "../dims.js";
import { cfgNum, fmtType, tensor, type ArgSpec, type ErrFn, type FunctionSpec, type TypedInput } from "./spec.js";

const options: ArgSpec[] = [
  { name: "iou", kind: "float", default: 0.5, doc: "IoU at which a prediction matches a ground truth" },
  { name: "nms", kind: "float", default: 0.5, doc: "IoU above which non-maximum suppression drops a lower-scored box of its class" },
  { name: "min_score", kind: "float", default: 0.01, doc: "detections scored lower are dropped before suppression" },
];

const same = (a: Dim, b: Dim) => dimEquals(a, b) || !isConcrete(a) || !isConcrete(b);

/** Checks x against [B, ...want] (undefined entries: any size); reports and returns false on a mismatch. */
function expectShape(fn: string, role: string, x: TypedInput, dtype: "f32" | "i32", want: (Dim | undefined)[], err: ErrFn): boolean {
  if (x.dtype !== dtype) {
    err("DLM2005", `${fn}: ${role} must be ${dtype}, but ${x.desc}`, role);
    return false;
  }
  const rest = x.shape.slice(1);
  if (x.shape.length !== want.length + 1 || !want.every((d, i) => d === undefined || same(d, rest[i]!))) {
    const text = want.map((d) => (d === undefined ? "_" : formatDim(d))).join(", ");
    err("DLM2014", `${fn}: ${role} should be ${dtype}[B, ${text}], but ${x.desc} (${fmtType(x)})`, role);
    return false;
  }
  return true;
}

function checkOptions(fn: string, cfg: Parameters<FunctionSpec["infer"]>[0], err: ErrFn): void {
  for (const name of ["iou", "nms"]) {
    const v = cfgNum(cfg, name);
    if (v !== undefined && !(v > 0 && v <= 1)) err("DLM2010", `${fn}: ${name} must be in (0, 1], got ${v}`, name);
  }
  const s = cfgNum(cfg, "min_score");
  if (s !== undefined && !(s >= 0 && s < 1)) err("DLM2010", `${fn}: min_score must be in [0, 1), got ${s}`, "min_score");
}

/** The six detection inputs agree on G (and the classes have some C). */
function checkDetection(fn: string, ins: (TypedInput | undefined)[], err: ErrFn): boolean {
  const [obj, boxes, classes, has, boxT, clsT] = ins;
  if (!obj || !boxes || !classes || !has || !boxT || !clsT) return false;
  if (!expectShape(fn, "objectness", obj, "f32", [dimConst(1), undefined, undefined], err)) return false;
  const G = obj.shape[2]!;
  const C = classes.shape[1];
  return (
    expectShape(fn, "boxes", boxes, "f32", [dimConst(4), G, G], err) &&
    expectShape(fn, "classes", classes, "f32", [undefined, G, G], err) &&
    expectShape(fn, "has_object", has, "f32", [dimConst(1), G, G], err) &&
    expectShape(fn, "box_target", boxT, "f32", [dimConst(4), G, G], err) &&
    expectShape(fn, "class_target", clsT, "i32", [G, G], err) &&
    C !== undefined
  );
}

const detArgs: ArgSpec[] = ["objectness", "boxes", "classes", "has_object", "box_target", "class_target"].map((name) => ({ name, kind: "tensor" }));

export const detectionMap: FunctionSpec = {
  kind: "metric",
  name: "detection_map",
  summary: "mAP over the test set of a grid detector (VOC all-point AP after decoding and NMS), computed by the host.",
  better: "higher",
  args: [...detArgs, ...options],
  infer(cfg, ins, err) {
    checkOptions("detection_map", cfg, err);
    return checkDetection("detection_map", ins, err) ? tensor("f32", []) : undefined;
  },
};

export const maskMap: FunctionSpec = {
  kind: "metric",
  name: "mask_map",
  summary: "Mask AP over the test set of detection plus a mask per box (the class map cropped by each box), computed by the host.",
  better: "higher",
  args: [...detArgs.slice(0, 3), { name: "logits", kind: "tensor" }, ...detArgs.slice(3), { name: "mask", kind: "tensor" }, ...options],
  infer(cfg, ins, err) {
    checkOptions("mask_map", cfg, err);
    const [obj, boxes, classes, logits, has, boxT, clsT, mask] = ins;
    if (!checkDetection("mask_map", [obj, boxes, classes, has, boxT, clsT], err) || !logits || !mask) return undefined;
    // one channel per class plus background
    if (!expectShape("mask_map", "logits", logits, "f32", [dimAdd(classes!.shape[1]!, dimConst(1)), undefined, undefined], err)) return undefined;
    if (!expectShape("mask_map", "mask", mask, "i32", [logits.shape[2], logits.shape[3]], err)) return undefined;
    return tensor("f32", []);
  },
};

export const visionMetricFunctions = [detectionMap, maskMap];
