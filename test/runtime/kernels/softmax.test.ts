// softmax / logSoftmax and their backwards against definitions evaluated in float64 (the reference
// backward uses the explicit Jacobian). One float32 rounding of the output plus exp's few-ulp error:
// 1e-6 relative to the magnitudes involved.

import { describe, expect, it } from "vitest";
import { logSoftmax, logSoftmaxBackward } from "../../../runtime/kernels/log-softmax.js";
import { refLogSoftmax, refLogSoftmaxBackward, refSoftmax, refSoftmaxBackward } from "../../../runtime/kernels/reference/softmax.js";
import { softmax, softmaxBackward } from "../../../runtime/kernels/softmax.js";
import { expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(5);

describe("softmax and logSoftmax", () => {
  it("match the reference forward and backward on random shapes", () => {
    for (let t = 0; t < 40; t++) {
      const rows = randInt(rand, 1, 9);
      const cols = randInt(rand, 1, 37);
      const x = randArray(rand, rows * cols, -8, 8);
      const dy = randArray(rand, rows * cols);
      const y = new Float32Array(rows * cols);
      const yRef = y.slice();
      softmax(x, y, rows, cols);
      refSoftmax(x, yRef, rows, cols);
      expectClose(y, yRef, 1e-6, 1);
      const dx = new Float32Array(rows * cols);
      const dxRef = dx.slice();
      softmaxBackward(y, dy, dx, rows, cols);
      refSoftmaxBackward(y, dy, dxRef, rows, cols);
      expectClose(dx, dxRef, 1e-6, 2);

      logSoftmax(x, y, rows, cols);
      refLogSoftmax(x, yRef, rows, cols);
      expectClose(y, yRef, 1e-6, yRef.map((v) => Math.abs(v) + 1));
      logSoftmaxBackward(y, dy, dx, rows, cols);
      refLogSoftmaxBackward(y, dy, dxRef, rows, cols);
      expectClose(dx, dxRef, 1e-6, cols);
    }
  });

  it("may run in place (y = x, dx = dy), as the README promises", () => {
    const rows = 4;
    const cols = 9;
    const x = randArray(rand, rows * cols, -5, 5);
    const dy = randArray(rand, rows * cols);
    for (const [fwd, bwd] of [
      [softmax, softmaxBackward],
      [logSoftmax, logSoftmaxBackward],
    ] as const) {
      const y = new Float32Array(rows * cols);
      fwd(x, y, rows, cols);
      const inPlace = x.slice();
      fwd(inPlace, inPlace, rows, cols);
      expect(Array.from(inPlace)).toEqual(Array.from(y));
      const dx = new Float32Array(rows * cols);
      bwd(y, dy, dx, rows, cols);
      const g = dy.slice();
      bwd(y, g, g, rows, cols);
      expect(Array.from(g)).toEqual(Array.from(dx));
    }
  });

  it("is stable for huge logits", () => {
    const x = new Float32Array([1e30, 0, -1e30, 1000, 1001, 1002]);
    const y = new Float32Array(6);
    softmax(x, y, 2, 3);
    expect(Array.from(y.subarray(0, 3))).toEqual([1, 0, 0]);
    expectClose(y.subarray(3), [0.09003057, 0.24472847, 0.66524096], 1e-6);
    logSoftmax(x, y, 2, 3);
    expect(y[0]).toBe(0);
    expect(y[2]).toBe(Math.fround(-2e30));
    expectClose(y.subarray(3), [-2.40760596, -1.40760596, -0.40760596], 1e-6);
  });
});
