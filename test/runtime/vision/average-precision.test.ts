// VOC all-point AP: a hand-worked ranking, an independent formula on random rankings, and matching rules
// (duplicates are false positives, the threshold, classes without ground truth).

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { averagePrecision, meanAveragePrecision } from "../../../runtime/vision/average-precision.js";

/** Reference: AP = (1/N) Σ over true positives at rank k of the best precision at any rank ≥ k. */
function referenceAp(tp: boolean[], n: number): number {
  const prec: number[] = [];
  let hits = 0;
  tp.forEach((t, i) => {
    if (t) hits++;
    prec.push(hits / (i + 1));
  });
  let ap = 0;
  tp.forEach((t, k) => {
    if (t) ap += Math.max(...prec.slice(k)) / n;
  });
  return ap;
}

describe("averagePrecision", () => {
  it("hand-worked: TP, FP, TP, FP, TP with 4 ground truths", () => {
    // precision 1, 1/2, 2/3, 2/4, 3/5; recall steps of 1/4 at ranks 1, 3, 5; the 4th truth never found
    // interpolated: 1 at r = 1/4, 2/3 at r = 2/4, 3/5 at r = 3/4 → (1 + 2/3 + 3/5) / 4
    expect(averagePrecision([true, false, true, false, true], 4)).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 4, 12);
    expect(averagePrecision([true, true], 2)).toBe(1);
    expect(averagePrecision([false, true], 1)).toBeCloseTo(0.5, 12);
    expect(averagePrecision([], 3)).toBe(0);
    expect(averagePrecision([true], 0)).toBe(0);
  });

  it("equals the sum-over-hits formula", () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 0, max: 10 }), (tp, extra) => {
      const n = tp.filter(Boolean).length + extra;
      if (n === 0) return;
      expect(averagePrecision(tp, n)).toBeCloseTo(referenceAp(tp, n), 12);
    }), { seed: 3, numRuns: 300 });
  });
});

describe("meanAveragePrecision", () => {
  // 1-d "boxes": an overlap of intervals, enough to exercise matching
  type D = { score: number; label: number; at: number };
  type G = { label: number; at: number };
  const overlap = (d: D, g: G) => Math.max(0, 1 - Math.abs(d.at - g.at));

  it("matches each ground truth once, by best overlap, at the threshold; means over classes with truth", () => {
    const images = [
      {
        detections: [
          { score: 0.9, label: 0, at: 0 }, // TP (truth at 0)
          { score: 0.8, label: 0, at: 0.1 }, // duplicate of the same truth → FP
          { score: 0.3, label: 0, at: 5.4 }, // overlap 0.6 with truth at 5 → TP
          { score: 0.7, label: 2, at: 0 }, // class 2 has no truth anywhere: ignored
        ],
        truths: [{ label: 0, at: 0 }, { label: 0, at: 5 }, { label: 1, at: 9 }],
      },
      {
        detections: [{ score: 0.85, label: 0, at: 3.55 }, { score: 0.6, label: 1, at: 20 }],
        truths: [{ label: 0, at: 3 }], // overlap 0.45 < 0.5 → FP
      },
    ];
    const r = meanAveragePrecision(images, overlap, 0.5);
    // class 0 ranking: 0.9 TP, 0.85 FP, 0.8 FP, 0.3 TP; 3 truths → (1 + 2/4) / 3
    expect(r.perClass.get(0)).toBeCloseTo((1 + 0.5) / 3, 12);
    expect(r.perClass.get(1)).toBe(0);
    expect(r.perClass.has(2)).toBe(false);
    expect(r.map).toBeCloseTo(((1 + 0.5) / 3 + 0) / 2, 12);
    // a lower threshold turns the 0.85 detection into a hit
    expect(meanAveragePrecision(images, overlap, 0.4).perClass.get(0)).toBeCloseTo((1 + 1 + 3 / 4) / 3, 12);
  });

  it("perfect detections give 1; no truth gives NaN", () => {
    const images = [{ detections: [{ score: 0.5, label: 3, at: 1 }], truths: [{ label: 3, at: 1 }] }];
    expect(meanAveragePrecision(images, overlap).map).toBe(1);
    expect(meanAveragePrecision([{ detections: [], truths: [] as G[] }], overlap).map).toBeNaN();
  });
});
