// Box IoU against hand-computed cases and a pixel-counting reference on integer boxes.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { boxArea, boxFromCenter, boxIou, type Box } from "../../../runtime/vision/boxes.js";

/** Reference: count the unit squares of a 0..20 lattice covered by each box. */
function pixelIou(a: Box, b: Box): number {
  let inter = 0;
  let union = 0;
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 20; x++) {
      const inA = x >= a.x1 && x + 1 <= a.x2 && y >= a.y1 && y + 1 <= a.y2;
      const inB = x >= b.x1 && x + 1 <= b.x2 && y >= b.y1 && y + 1 <= b.y2;
      if (inA && inB) inter++;
      if (inA || inB) union++;
    }
  }
  return union === 0 ? 0 : inter / union;
}

const intBox = fc.tuple(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }))
  .map(([x, y, w, h]): Box => ({ x1: x, y1: y, x2: Math.min(20, x + w), y2: Math.min(20, y + h) }));

describe("boxes", () => {
  it("hand-computed IoUs", () => {
    const a = { x1: 0, y1: 0, x2: 2, y2: 2 };
    expect(boxIou(a, a)).toBe(1);
    expect(boxIou(a, { x1: 1, y1: 0, x2: 3, y2: 2 })).toBeCloseTo(2 / 6, 12);
    expect(boxIou(a, { x1: 1, y1: 1, x2: 3, y2: 3 })).toBeCloseTo(1 / 7, 12);
    expect(boxIou(a, { x1: 2, y1: 0, x2: 4, y2: 2 })).toBe(0); // touching edges
    expect(boxIou(a, { x1: 0.5, y1: 0.5, x2: 1.5, y2: 1.5 })).toBeCloseTo(1 / 4, 12);
    const empty = { x1: 1, y1: 1, x2: 1, y2: 1 };
    expect(boxIou(empty, empty)).toBe(0);
  });

  it("boxFromCenter and area", () => {
    expect(boxFromCenter(2, 3, 4, 2)).toEqual({ x1: 0, y1: 2, x2: 4, y2: 4 });
    expect(boxArea({ x1: 0, y1: 2, x2: 4, y2: 4 })).toBe(8);
    expect(boxArea({ x1: 3, y1: 0, x2: 1, y2: 4 })).toBe(0);
  });

  it("matches pixel counting on integer boxes, symmetric", () => {
    fc.assert(fc.property(intBox, intBox, (a, b) => {
      expect(boxIou(a, b)).toBeCloseTo(pixelIou(a, b), 12);
      expect(boxIou(a, b)).toBe(boxIou(b, a));
    }), { seed: 5, numRuns: 300 });
  });
});
