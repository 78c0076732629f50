// conv2d forward and both gradients against direct-loop references, over random geometries (odd sizes,
// stride, padding, dilation, groups, the 1×1 fast path). Tolerance as for matmul: the im2col matmul
// rounds its running sums to float32 every 4 terms, so 4e-7·⌈terms/4⌉·Σ|terms| (Σ|terms| from the
// same reference run on absolute values).

import { describe, expect, it } from "vitest";
import type { Conv2dGeometry } from "../../../runtime/kernels/conv2d-geometry.js";
import { conv2dGeometry, conv2dScratchSize } from "../../../runtime/kernels/conv2d-geometry.js";
import { conv2d } from "../../../runtime/kernels/conv2d.js";
import { conv2dBackwardInput } from "../../../runtime/kernels/conv2d-backward-input.js";
import { conv2dBackwardWeight } from "../../../runtime/kernels/conv2d-backward-weight.js";
import { refConv2d, refConv2dBackwardInput, refConv2dBackwardWeight } from "../../../runtime/kernels/reference/conv2d.js";
import { absArray, expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(99);

function randomGeometry(): Conv2dGeometry {
  for (;;) {
    const groups = randInt(rand, 1, 3);
    const kh = randInt(rand, 1, 4);
    const kw = randInt(rand, 1, 4);
    const dilationH = randInt(rand, 1, 2);
    const dilationW = randInt(rand, 1, 2);
    const h = randInt(rand, 1, 12);
    const w = randInt(rand, 1, 12);
    const padH = randInt(rand, 0, kh);
    const padW = randInt(rand, 0, kw);
    const eh = dilationH * (kh - 1) + 1;
    const ew = dilationW * (kw - 1) + 1;
    if (h + 2 * padH < eh || w + 2 * padW < ew) continue;
    return conv2dGeometry(
      randInt(rand, 1, 3),
      groups * randInt(rand, 1, 3),
      h,
      w,
      groups * randInt(rand, 1, 4),
      kh,
      kw,
      randInt(rand, 1, 3),
      randInt(rand, 1, 3),
      padH,
      padW,
      dilationH,
      dilationW,
      groups,
    );
  }
}

function checkAll(g: Conv2dGeometry): void {
  const xs = g.n * g.c * g.h * g.w;
  const ws = g.o * (g.c / g.groups) * g.kh * g.kw;
  const ys = g.n * g.o * g.oh * g.ow;
  const x = randArray(rand, xs);
  const w = randArray(rand, ws);
  const bias = rand() < 0.5 ? randArray(rand, g.o) : null;
  const dy = randArray(rand, ys);
  const scratch = new Float32Array(conv2dScratchSize(g));
  const terms = (g.c / g.groups) * g.kh * g.kw;
  const rtol = (n: number) => 4e-7 * Math.ceil(n / 4 + 1);

  const y = new Float32Array(ys).fill(NaN);
  const yRef = new Float32Array(ys);
  conv2d(x, w, bias, y, g, scratch);
  refConv2d(x, w, bias, yRef, g);
  const yScale = new Float32Array(ys);
  refConv2d(absArray(x), absArray(w), bias && absArray(bias), yScale, g);
  expectClose(y, yRef, rtol(terms), yScale.map((s) => s + 1e-6));

  for (const accumulate of [false, true]) {
    const start = randArray(rand, xs);
    const dx = start.slice();
    const dxRef = start.slice();
    conv2dBackwardInput(dy, w, dx, g, scratch, accumulate);
    refConv2dBackwardInput(dy, w, dxRef, g, accumulate);
    const dxScale = new Float32Array(xs);
    refConv2dBackwardInput(absArray(dy), absArray(w), dxScale, g, false);
    expectClose(dx, dxRef, rtol(g.o * g.kh * g.kw), dxScale.map((s, i) => s + (accumulate ? Math.abs(start[i]!) : 0) + 1e-6));

    const wStart = randArray(rand, ws);
    const dw = wStart.slice();
    const dwRef = wStart.slice();
    conv2dBackwardWeight(x, dy, dw, g, scratch, accumulate);
    refConv2dBackwardWeight(x, dy, dwRef, g, accumulate);
    const dwScale = new Float32Array(ws);
    refConv2dBackwardWeight(absArray(x), absArray(dy), dwScale, g, false);
    expectClose(dw, dwRef, rtol(g.n * g.oh * g.ow), dwScale.map((s, i) => s + (accumulate ? Math.abs(wStart[i]!) : 0) + 1e-6));
  }
}

describe("conv2d", () => {
  it("forward and gradients match the direct reference on random geometries", () => {
    for (let t = 0; t < 60; t++) checkAll(randomGeometry());
  });

  it("covers the pointwise (1×1) path, with groups", () => {
    checkAll(conv2dGeometry(2, 6, 5, 7, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2));
    expect(conv2dScratchSize(conv2dGeometry(2, 6, 5, 7, 4, 1, 1))).toBe(0);
  });

  it("covers Conv1d as H = 1 and a 'same' 3×3 conv like the examples", () => {
    checkAll(conv2dGeometry(3, 4, 1, 17, 5, 1, 3, 1, 2, 0, 1));
    checkAll(conv2dGeometry(2, 3, 28, 28, 8, 3, 3, 1, 1, 1, 1));
  });

  it("computes output sizes like PyTorch and rejects impossible geometry", () => {
    const g = conv2dGeometry(1, 3, 32, 31, 8, 5, 3, 2, 2, 2, 1, 1, 2);
    expect([g.oh, g.ow]).toEqual([16, 15]);
    expect(() => conv2dGeometry(1, 3, 2, 2, 4, 5, 5)).toThrow(/does not fit/);
    expect(() => conv2dGeometry(1, 3, 8, 8, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2)).toThrow(/divisible by groups/);
    expect(() => conv2dGeometry(1, 3, 8, 8, 4, 3, 3, 0)).toThrow(/strideH/);
  });
});
