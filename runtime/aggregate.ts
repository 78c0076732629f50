// Host aggregation of evaluate metrics over a whole dataset. The evaluate step gives, per metric, one
// value per example (f32[B]) or one row per example (f32[B, K]); the generated evaluate() feeds the real
// (unpadded) examples of each batch to the metric's aggregator and reports result() at the end:
//   mean           f32[B]: the average over examples (loss, accuracy, …)
//   ratio          f32[B, 2K]: K numerators then K denominators per example; the result is the mean over
//                  k of Σ num_k / Σ den_k, over the k whose Σ den_k > 0 (a ratio of sums, not a mean of
//                  per-example ratios: mean_iou's dataset-wide intersections over unions)
//   detection_map  mAP over the set of a grid detector (vision/task-metrics.ts has the row layout)
//   mask_map       mask AP of detection plus a mask per box
// Evaluation is off the training path: aggregators may allocate.

import { detectionMapAggregator, maskMapAggregator, type RowAggregator } from "./vision/task-metrics.js";

export type AggregateKind = "mean" | "ratio" | "detection_map" | "mask_map";

export type { RowAggregator };

function meanAggregator(): RowAggregator {
  let sum = 0;
  let count = 0;
  return {
    add(rows, n) {
      for (let r = 0; r < n; r++) sum += rows[r]!;
      count += n;
    },
    result: () => (count === 0 ? NaN : sum / count),
  };
}

function ratioAggregator(k: number): RowAggregator {
  const num = new Float64Array(k);
  const den = new Float64Array(k);
  return {
    add(rows, n) {
      if (rows.length < n * 2 * k) throw new Error(`ratio metric: expected ${n} rows of ${2 * k} values, got ${rows.length} values`);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < k; j++) {
          num[j]! += rows[r * 2 * k + j]!;
          den[j]! += rows[r * 2 * k + k + j]!;
        }
      }
    },
    result() {
      let sum = 0;
      let present = 0;
      for (let j = 0; j < k; j++) {
        if (den[j]! > 0) {
          sum += num[j]! / den[j]!;
          present++;
        }
      }
      return present === 0 ? NaN : sum / present;
    },
  };
}

/** The aggregator of a metric; `config` holds the kind's numbers (ratio: k; the APs: grid, classes, …). */
export function createAggregator(kind: AggregateKind, config: Readonly<Record<string, number>> = {}): RowAggregator {
  const need = (key: string): number => {
    const v = config[key];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`${kind} aggregator: config '${key}' is missing`);
    return v;
  };
  const opt = (key: string): number | undefined => config[key];
  const detection = () => {
    const c = { grid: need("grid"), classes: need("classes") } as { grid: number; classes: number; iou?: number; nms?: number; minScore?: number };
    const iou = opt("iou");
    const suppress = opt("nms");
    const minScore = opt("min_score");
    if (iou !== undefined) c.iou = iou;
    if (suppress !== undefined) c.nms = suppress;
    if (minScore !== undefined) c.minScore = minScore;
    return c;
  };
  switch (kind) {
    case "mean":
      return meanAggregator();
    case "ratio":
      return ratioAggregator(need("k"));
    case "detection_map":
      return detectionMapAggregator(detection());
    case "mask_map":
      return maskMapAggregator({ ...detection(), height: need("height"), width: need("width") });
  }
}
