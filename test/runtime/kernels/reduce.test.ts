// reduceSum / reduceMean / reduceMax over the middle axis of [outer, n, inner] against one-output-at-a-
// time float64 references. The fast sums are also float64 with one final rounding, so 1e-6 relative to
// Σ|x| is a loose bound.

import { describe, expect, it } from "vitest";
import { reduceMax } from "../../../runtime/kernels/reduce-max.js";
import { reduceMean, reduceSum } from "../../../runtime/kernels/reduce-sum.js";
import { refReduceMax, refReduceMean, refReduceSum } from "../../../runtime/kernels/reference/reduce.js";
import { absArray, expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(11);

describe("reductions", () => {
  it("sum and mean match the reference, overwriting or accumulating", () => {
    for (let t = 0; t < 60; t++) {
      const outer = randInt(rand, 1, 5);
      const n = randInt(rand, 1, 40);
      const inner = randInt(rand, 1, 23);
      const x = randArray(rand, outer * n * inner);
      const scale = new Float32Array(outer * inner);
      refReduceSum(absArray(x), scale, outer, n, inner, false);
      for (const accumulate of [false, true]) {
        const start = randArray(rand, outer * inner);
        const y = start.slice();
        const yRef = start.slice();
        reduceSum(x, y, outer, n, inner, accumulate);
        refReduceSum(x, yRef, outer, n, inner, accumulate);
        expectClose(y, yRef, 1e-6, scale.map((s) => s + 1));
        const m = start.slice();
        const mRef = start.slice();
        reduceMean(x, m, outer, n, inner, accumulate);
        refReduceMean(x, mRef, outer, n, inner, accumulate);
        expectClose(m, mRef, 1e-6, 2);
      }
    }
  });

  it("max matches the reference with argmax positions along the axis", () => {
    for (let t = 0; t < 60; t++) {
      const outer = randInt(rand, 1, 5);
      const n = randInt(rand, 1, 30);
      const inner = randInt(rand, 1, 17);
      const x = randArray(rand, outer * n * inner);
      const y = new Float32Array(outer * inner);
      const am = new Int32Array(outer * inner);
      const yRef = y.slice();
      const amRef = am.slice();
      reduceMax(x, y, am, outer, n, inner);
      refReduceMax(x, yRef, amRef, outer, n, inner);
      expect(Array.from(y)).toEqual(Array.from(yRef));
      expect(Array.from(am)).toEqual(Array.from(amRef));
      reduceMax(x, y, null, outer, n, inner);
      expect(Array.from(y)).toEqual(Array.from(yRef));
    }
  });

  it("max propagates NaN and keeps the first of ties", () => {
    const y = new Float32Array(2);
    const am = new Int32Array(2);
    reduceMax(new Float32Array([1, 2, NaN, 2, 0, 2]), y, am, 1, 3, 2);
    expect(y[0]).toBeNaN();
    expect([y[1], am[1]]).toEqual([2, 0]);
  });

  it("a long float32 sum keeps float64 accuracy", () => {
    const n = 1 << 20;
    const x = new Float32Array(n).fill(0.1);
    const y = new Float32Array(1);
    reduceSum(x, y, 1, n, 1, false);
    expect(Math.abs(y[0]! - n * Math.fround(0.1))).toBeLessThan(1e-7 * n);
  });
});
