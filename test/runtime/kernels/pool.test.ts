// max/avg pooling and nearest upsampling, forward and backward, against window-by-window references.
// These kernels sum at most kh·kw (or factor²) float64 terms and round once, so 1e-6 relative suffices.

import { describe, expect, it } from "vitest";
import { avgPool2d, avgPool2dBackward } from "../../../runtime/kernels/avg-pool2d.js";
import { maxPool2d, maxPool2dBackward } from "../../../runtime/kernels/max-pool2d.js";
import type { Pool2dGeometry } from "../../../runtime/kernels/pool2d-geometry.js";
import { pool2dGeometry } from "../../../runtime/kernels/pool2d-geometry.js";
import {
  refAvgPool2d,
  refAvgPool2dBackward,
  refMaxPool2d,
  refMaxPool2dBackward,
} from "../../../runtime/kernels/reference/pool2d.js";
import { refUpsampleNearest2d, refUpsampleNearest2dBackward } from "../../../runtime/kernels/reference/upsample-nearest2d.js";
import { upsampleNearest2d, upsampleNearest2dBackward } from "../../../runtime/kernels/upsample-nearest2d.js";
import { expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(7);

function randomPool(): Pool2dGeometry {
  for (;;) {
    const kh = randInt(rand, 1, 4);
    const kw = randInt(rand, 1, 4);
    const padH = randInt(rand, 0, kh >> 1);
    const padW = randInt(rand, 0, kw >> 1);
    const h = randInt(rand, 1, 13);
    const w = randInt(rand, 1, 13);
    if (h + 2 * padH < kh || w + 2 * padW < kw) continue;
    return pool2dGeometry(randInt(rand, 1, 3), randInt(rand, 1, 3), h, w, kh, kw, randInt(rand, 1, 3), randInt(rand, 1, 3), padH, padW);
  }
}

describe("maxPool2d", () => {
  it("matches the reference forward (values and argmax) and backward", () => {
    for (let t = 0; t < 80; t++) {
      const g = randomPool();
      const xs = g.n * g.c * g.h * g.w;
      const ys = g.n * g.c * g.oh * g.ow;
      // distinct values so the argmax is unique
      const x = randArray(rand, xs).map((v, i) => v + i * 1e-3);
      const y = new Float32Array(ys);
      const am = new Int32Array(ys);
      const yRef = new Float32Array(ys);
      const amRef = new Int32Array(ys);
      maxPool2d(x, y, am, g);
      refMaxPool2d(x, yRef, amRef, g);
      expect(Array.from(y)).toEqual(Array.from(yRef));
      expect(Array.from(am)).toEqual(Array.from(amRef));
      const dy = randArray(rand, ys);
      const dx = randArray(rand, xs);
      const dxRef = new Float32Array(xs);
      maxPool2dBackward(dy, am, dx, g);
      refMaxPool2dBackward(dy, amRef, dxRef, g);
      expectClose(dx, dxRef, 1e-6, 4);
    }
  });

  it("propagates NaN and picks the first of equal maxima", () => {
    const g = pool2dGeometry(1, 1, 2, 2, 2, 2);
    const y = new Float32Array(1);
    const am = new Int32Array(1);
    maxPool2d(new Float32Array([1, NaN, 3, 2]), y, am, g);
    expect(y[0]).toBeNaN();
    maxPool2d(new Float32Array([5, 5, 1, 5]), y, am, g);
    expect([y[0], am[0]]).toEqual([5, 0]);
  });
});

describe("avgPool2d", () => {
  it("matches the reference (count_include_pad) forward and backward", () => {
    for (let t = 0; t < 80; t++) {
      const g = randomPool();
      const xs = g.n * g.c * g.h * g.w;
      const ys = g.n * g.c * g.oh * g.ow;
      const x = randArray(rand, xs);
      const y = new Float32Array(ys);
      const yRef = new Float32Array(ys);
      avgPool2d(x, y, g);
      refAvgPool2d(x, yRef, g);
      expectClose(y, yRef, 1e-6, 1);
      const dy = randArray(rand, ys);
      const dx = randArray(rand, xs);
      const dxRef = new Float32Array(xs);
      avgPool2dBackward(dy, dx, g);
      refAvgPool2dBackward(dy, dxRef, g);
      expectClose(dx, dxRef, 1e-6, 4);
    }
  });

  it("divides by the full window at a padded border, like PyTorch", () => {
    const g = pool2dGeometry(1, 1, 2, 2, 2, 2, 2, 2, 1, 1);
    const y = new Float32Array(4);
    avgPool2d(new Float32Array([4, 8, 12, 16]), y, g);
    expect(Array.from(y)).toEqual([1, 2, 3, 4]);
  });

  it("rejects padding over half the kernel", () => {
    expect(() => pool2dGeometry(1, 1, 4, 4, 2, 2, 2, 2, 2, 0)).toThrow(/padding/);
  });
});

describe("upsampleNearest2d", () => {
  it("matches the reference forward and backward", () => {
    for (let t = 0; t < 30; t++) {
      const [n, c, h, w, f] = [randInt(rand, 1, 2), randInt(rand, 1, 3), randInt(rand, 1, 6), randInt(rand, 1, 6), randInt(rand, 1, 3)];
      const x = randArray(rand, n * c * h * w);
      const y = new Float32Array(n * c * h * w * f * f);
      const yRef = y.slice();
      upsampleNearest2d(x, y, n, c, h, w, f);
      refUpsampleNearest2d(x, yRef, n, c, h, w, f);
      expect(Array.from(y)).toEqual(Array.from(yRef));
      const dy = randArray(rand, y.length);
      const dx = new Float32Array(x.length);
      const dxRef = dx.slice();
      upsampleNearest2dBackward(dy, dx, n, c, h, w, f);
      refUpsampleNearest2dBackward(dy, dxRef, n, c, h, w, f);
      expectClose(dx, dxRef, 1e-6, f * f);
    }
  });
});
