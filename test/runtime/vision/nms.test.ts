// Non-maximum suppression: a hand-worked case and the defining property checked on random boxes.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { boxIou } from "../../../runtime/vision/boxes.js";
import { nms } from "../../../runtime/vision/nms.js";
import type { Detection } from "../../../runtime/vision/grid.js";

const det = (x1: number, y1: number, x2: number, y2: number, score: number, label = 0): Detection => ({ box: { x1, y1, x2, y2 }, score, label });

describe("nms", () => {
  it("keeps the best of overlapping boxes, per class", () => {
    const a = det(0, 0, 10, 10, 0.9);
    const b = det(1, 1, 11, 11, 0.8); // IoU(a, b) = 81/119 ≈ 0.68
    const c = det(20, 20, 30, 30, 0.7);
    const d = det(0, 0, 10, 10, 0.95, 1); // same place, other class
    const e = det(5, 0, 15, 10, 0.6); // IoU(a, e) = 50/150 = 1/3
    expect(nms([a, b, c, d, e], 0.5)).toEqual([d, a, c, e]);
    expect(nms([a, b, c, d, e], 0.3)).toEqual([d, a, c]);
    expect(nms([a, b, c, d, e], 0.5, { perClass: false })).toEqual([d, c, e]);
    expect(nms([a, b, c, d, e], 0.5, { maxKept: 2 })).toEqual([d, a]);
    expect(nms([], 0.5)).toEqual([]);
  });

  it("kept boxes do not overlap above the threshold; each dropped one is covered by a better kept one", () => {
    const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1 })), { maxLength: 25 });
    fc.assert(fc.property(arb, fc.double({ min: 0.1, max: 0.9, noNaN: true }), (raw, thr) => {
      const ds = raw.map(([x, y, w, h, s, l]) => det(x, y, x + w, y + h, s / 1000, l));
      const kept = nms(ds, thr);
      for (let i = 0; i < kept.length; i++) {
        for (let j = i + 1; j < kept.length; j++) {
          if (kept[i]!.label === kept[j]!.label) expect(boxIou(kept[i]!.box, kept[j]!.box)).toBeLessThanOrEqual(thr);
        }
      }
      for (const d of ds) {
        if (kept.includes(d)) continue;
        expect(kept.some((k) => k.label === d.label && k.score >= d.score && boxIou(k.box, d.box) > thr)).toBe(true);
      }
    }), { seed: 11, numRuns: 200 });
  });
});
