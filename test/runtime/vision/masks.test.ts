// Instance masks: arg-max map, box crops against a per-pixel reference, and mask IoU against sets.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { argmaxMap, boxMask, instanceMasks, maskIou } from "../../../runtime/vision/masks.js";

describe("masks", () => {
  it("argmaxMap picks the first maximum per pixel", () => {
    // 3 channels × 2 pixels
    expect([...argmaxMap([0, 5, 1, 5, 2, 1], 3, 2)]).toEqual([2, 0]); // pixel 1: channels 0 and 1 tie at 5
    expect([...argmaxMap([1, 1, 1, 1], 2, 2)]).toEqual([0, 0]);
  });

  it("boxMask keeps the pixels of the class whose centre is in the box", () => {
    // 3×4 class map
    const map = [
      1, 1, 0, 2,
      1, 2, 1, 1,
      0, 1, 1, 1,
    ];
    // box x ∈ [0.4, 2.6), y ∈ [0.6, 3): pixel centres x 0.5, 1.5, 2.5 and y 1.5, 2.5
    expect([...boxMask(map, 3, 4, { x1: 0.4, y1: 0.6, x2: 2.6, y2: 3 }, 1)]).toEqual([4, 6, 9, 10]);
    expect([...boxMask(map, 3, 4, { x1: -5, y1: -5, x2: 50, y2: 50 }, 2)]).toEqual([3, 5]);
    expect([...boxMask(map, 3, 4, { x1: 2, y1: 2, x2: 2, y2: 2 }, 1)]).toEqual([]);
  });

  it("boxMask equals the per-pixel definition on random boxes", () => {
    const H = 7;
    const W = 9;
    const arb = fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: H * W, maxLength: H * W }), fc.double({ min: -3, max: 12, noNaN: true }), fc.double({ min: -3, max: 12, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }));
    fc.assert(fc.property(arb, ([map, x, y, w, h]) => {
      const box = { x1: x, y1: y, x2: x + w, y2: y + h };
      const want: number[] = [];
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        if (map[r * W + c] === 1 && c + 0.5 >= box.x1 && c + 0.5 < box.x2 && r + 0.5 >= box.y1 && r + 0.5 < box.y2) want.push(r * W + c);
      }
      expect([...boxMask(map, H, W, box, 1)]).toEqual(want);
    }), { seed: 9, numRuns: 200 });
  });

  it("maskIou equals |A∩B| / |A∪B| of the sets", () => {
    expect(maskIou([1, 2, 3], [2, 3, 4, 5])).toBeCloseTo(2 / 5, 12);
    expect(maskIou([], [])).toBe(0);
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }).map((a) => a.sort((p, q) => p - q));
    fc.assert(fc.property(set, set, (a, b) => {
      const sa = new Set(a);
      const inter = b.filter((v) => sa.has(v)).length;
      const union = new Set([...a, ...b]).size;
      expect(maskIou(a, b)).toBeCloseTo(union === 0 ? 0 : inter / union, 12);
    }), { seed: 4, numRuns: 200 });
  });
});

describe("instanceMasks", () => {
  it("a box takes the foreground inside it unless another box containing the pixel claims its class", () => {
    // 2×5 class map; box A (class 1) covers columns 0–2, box B (class 2) columns 2–4
    const map = [
      1, 3, 2, 2, 0,
      1, 1, 1, 2, 2,
    ];
    const A = { box: { x1: 0, y1: 0, x2: 3, y2: 2 }, cls: 1 };
    const B = { box: { x1: 2, y1: 0, x2: 5, y2: 2 }, cls: 2 };
    const [a, b] = instanceMasks(map, 2, 5, [A, B]);
    // A: pixel 1 (class 3, nobody's) is kept; pixel 2 (class 2, inside B) goes to B; pixel 7 (class 1) stays
    expect([...a!]).toEqual([0, 1, 5, 6, 7]);
    // B: pixel 7 (class 1, inside A which claims class 1) is left out; pixel 4 is background
    expect([...b!]).toEqual([2, 3, 8, 9]);
    // alone, a box takes all the foreground in it
    expect([...instanceMasks(map, 2, 5, [B])[0]!]).toEqual([2, 3, 7, 8, 9]);
  });
});
