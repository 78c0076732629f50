// Dataset-wide detection and instance-mask AP, as host aggregators (see ../aggregate.ts): the evaluate
// step hands over, per example, one f32 row holding the metric's input tensors flattened one after the
// other (i32 ids as f32); the aggregator decodes each row, keeps its detections and ground truths, and
// computes the mean AP over the whole set at the end.
//
// Row layouts (G grid cells per side, C classes, H×W pixels):
//   detection_map  objectness G², boxes 4G², classes C·G², has_object G², box_target 4G², class_target G²
//   mask_map       the same six, then segmentation logits (C + 1)·H·W and the mask H·W after the classes
//                  and class_target respectively: objectness, boxes, classes, seg logits, has_object,
//                  box_target, class_target, mask
// The segmentation classes are 0 = background, 1 + c = object class c (the digit_canvases mask). A kept
// detection's mask is masks.ts `instanceMasks` over the arg-max class map (the foreground in its box not
// claimed by another box of the pixel's class); a ground truth's is its class's pixels in its box.
// Ground truth comes from the grid targets: an object whose centre cell another object took is absent
// from them, and so from the scoring.

import { boxIou, type Box } from "./boxes.js";
import { decodeGrid, gridTargets, type Detection, type GroundTruth } from "./grid.js";
import { argmaxMap, boxMask, instanceMasks, maskIou } from "./masks.js";
import { meanAveragePrecision, type ApImage } from "./average-precision.js";
import { nms } from "./nms.js";

export interface DetectionMetricConfig {
  readonly grid: number;
  readonly classes: number;
  /** IoU at which a detection matches a ground truth (0.5: mAP@0.5). */
  readonly iou?: number;
  /** IoU above which NMS suppresses a lower-scored box of the same class. */
  readonly nms?: number;
  readonly minScore?: number;
}

export interface MaskMetricConfig extends DetectionMetricConfig {
  readonly height: number;
  readonly width: number;
}

export interface RowAggregator {
  /** Adds the first n rows of `rows` (rows of equal length, one per example). */
  add(rows: Float32Array, n: number): void;
  result(): number;
}

function slicer(row: Float32Array) {
  let at = 0;
  return (size: number): Float32Array => {
    const v = row.subarray(at, at + size);
    at += size;
    return v;
  };
}

function detectionsOf(take: (n: number) => Float32Array, c: DetectionMetricConfig): Detection[] {
  const cells = c.grid * c.grid;
  const obj = take(cells);
  const boxes = take(4 * cells);
  const cls = take(c.classes * cells);
  return nms(decodeGrid(obj, boxes, cls, c, c.minScore ?? 0.01), c.nms ?? 0.5);
}

function truthsOf(take: (n: number) => Float32Array, grid: number): GroundTruth[] {
  const cells = grid * grid;
  return gridTargets(take(cells), take(4 * cells), take(cells), grid);
}

export function rowWidth(kind: "detection_map" | "mask_map", c: DetectionMetricConfig & Partial<MaskMetricConfig>): number {
  const cells = c.grid * c.grid;
  const det = cells * (1 + 4 + c.classes + 1 + 4 + 1);
  return kind === "detection_map" ? det : det + (c.classes + 2) * (c.height ?? 0) * (c.width ?? 0);
}

function rowsOf(rows: Float32Array, n: number, width: number): Float32Array[] {
  if (rows.length < n * width) throw new Error(`metric rows: expected ${n} rows of ${width} values, got ${rows.length} values`);
  return Array.from({ length: n }, (_, r) => rows.subarray(r * width, (r + 1) * width));
}

export function detectionMapAggregator(c: DetectionMetricConfig): RowAggregator {
  const images: ApImage<Detection, GroundTruth>[] = [];
  const width = rowWidth("detection_map", c);
  return {
    add(rows, n) {
      for (const row of rowsOf(rows, n, width)) {
        const take = slicer(row);
        const detections = detectionsOf(take, c);
        images.push({ detections, truths: truthsOf(take, c.grid) });
      }
    },
    result: () => meanAveragePrecision(images, (d, g) => boxIou(d.box, g.box), c.iou ?? 0.5).map,
  };
}

interface Masked {
  readonly score: number;
  readonly label: number;
  readonly mask: Int32Array;
}

const scaled = (b: Box, sx: number, sy: number): Box => ({ x1: b.x1 * sx, y1: b.y1 * sy, x2: b.x2 * sx, y2: b.y2 * sy });

export function maskMapAggregator(c: MaskMetricConfig): RowAggregator {
  const images: ApImage<Masked, Masked>[] = [];
  const width = rowWidth("mask_map", c);
  const pixels = c.height * c.width;
  const sx = c.width / c.grid;
  const sy = c.height / c.grid;
  return {
    add(rows, n) {
      for (const row of rowsOf(rows, n, width)) {
        const take = slicer(row);
        const detections = detectionsOf(take, c);
        const predicted = argmaxMap(take((c.classes + 1) * pixels), c.classes + 1, pixels);
        const truths = truthsOf(take, c.grid);
        const mask = take(pixels);
        const masks = instanceMasks(predicted, c.height, c.width, detections.map((d) => ({ box: scaled(d.box, sx, sy), cls: 1 + d.label })));
        images.push({
          detections: detections.map((d, i) => ({ score: d.score, label: d.label, mask: masks[i]! })),
          truths: truths.map((g) => ({ score: 1, label: g.label, mask: boxMask(mask, c.height, c.width, scaled(g.box, sx, sy), 1 + g.label) })),
        });
      }
    },
    result: () => meanAveragePrecision(images, (d, g) => maskIou(d.mask, g.mask), c.iou ?? 0.5).map,
  };
}
