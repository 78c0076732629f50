// Gradient kernels checked without the hand-written references: linear ops by the adjoint identity
// ⟨F(x), dy⟩ = ⟨x, Fᵀ(dy)⟩, nonlinear ones by central finite differences. The kernels are run on
// Float64Array views here (they only index and do arithmetic), so the checks have float64 precision.

import { describe, expect, it } from "vitest";
import { avgPool2d, avgPool2dBackward } from "../../../runtime/kernels/avg-pool2d.js";
import { conv2dGeometry, conv2dScratchSize } from "../../../runtime/kernels/conv2d-geometry.js";
import { conv2d } from "../../../runtime/kernels/conv2d.js";
import { conv2dBackwardInput } from "../../../runtime/kernels/conv2d-backward-input.js";
import { conv2dBackwardWeight } from "../../../runtime/kernels/conv2d-backward-weight.js";
import { logSoftmax, logSoftmaxBackward } from "../../../runtime/kernels/log-softmax.js";
import { maxPool2d, maxPool2dBackward } from "../../../runtime/kernels/max-pool2d.js";
import { pool2dGeometry } from "../../../runtime/kernels/pool2d-geometry.js";
import { softmax, softmaxBackward } from "../../../runtime/kernels/softmax.js";
import { upsampleNearest2d, upsampleNearest2dBackward } from "../../../runtime/kernels/upsample-nearest2d.js";
import { lcg } from "./helpers.js";

const rand = lcg(2024);

function f64(n: number, scale = 1): Float32Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
  return a as unknown as Float32Array;
}

function zeros(n: number): Float32Array {
  return new Float64Array(n) as unknown as Float32Array;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function expectRel(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(a), Math.abs(b)));
}

describe("adjoint identities", () => {
  it("conv2d: ⟨conv(x, w), dy⟩ = ⟨x, ∂x⟩ = ⟨w, ∂w⟩", () => {
    const geoms = [
      conv2dGeometry(2, 4, 9, 7, 6, 3, 3, 2, 1, 1, 1, 1, 2, 2),
      conv2dGeometry(1, 3, 6, 6, 5, 2, 4, 1, 3, 0, 2, 2, 1, 1),
      conv2dGeometry(3, 2, 5, 5, 4, 1, 1),
    ];
    for (const g of geoms) {
      const x = f64(g.n * g.c * g.h * g.w);
      const w = f64(g.o * (g.c / g.groups) * g.kh * g.kw);
      const dy = f64(g.n * g.o * g.oh * g.ow);
      const scratch = zeros(conv2dScratchSize(g));
      const y = zeros(dy.length);
      conv2d(x, w, null, y, g, scratch);
      const dx = zeros(x.length);
      conv2dBackwardInput(dy, w, dx, g, scratch, false);
      const dw = zeros(w.length);
      conv2dBackwardWeight(x, dy, dw, g, scratch, false);
      const lhs = dot(y, dy);
      expectRel(lhs, dot(x, dx), 1e-12);
      expectRel(lhs, dot(w, dw), 1e-12);
    }
  });

  it("avgPool2d and upsampleNearest2d against their backwards", () => {
    const g = pool2dGeometry(2, 3, 7, 8, 3, 2, 2, 2, 1, 1);
    const x = f64(g.n * g.c * g.h * g.w);
    const dy = f64(g.n * g.c * g.oh * g.ow);
    const y = zeros(dy.length);
    const dx = zeros(x.length);
    avgPool2d(x, y, g);
    avgPool2dBackward(dy, dx, g);
    expectRel(dot(y, dy), dot(x, dx), 1e-12);

    const u = f64(2 * 3 * 4 * 5);
    const du = f64(2 * 3 * 12 * 15);
    const uy = zeros(du.length);
    const ux = zeros(u.length);
    upsampleNearest2d(u, uy, 2, 3, 4, 5, 3);
    upsampleNearest2dBackward(du, ux, 2, 3, 4, 5, 3);
    expectRel(dot(uy, du), dot(u, ux), 1e-12);
  });
});

describe("finite differences", () => {
  // ∂/∂x_i of L(x) = ⟨F(x), dy⟩ by central differences, compared with the backward kernel's dx.
  function fdCheck(n: number, forward: (x: Float32Array, y: Float32Array) => void, backward: (x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array) => void, m: number, scale = 1): void {
    const x = f64(n, scale);
    const dy = f64(m);
    const y = zeros(m);
    forward(x, y);
    const dx = zeros(n);
    backward(x, y, dy, dx);
    const h = 1e-6;
    const yp = zeros(m);
    for (let i = 0; i < n; i++) {
      const keep = x[i]!;
      x[i] = keep + h;
      forward(x, yp);
      const up = dot(yp, dy);
      x[i] = keep - h;
      forward(x, yp);
      const down = dot(yp, dy);
      x[i] = keep;
      expect(Math.abs((up - down) / (2 * h) - dx[i]!)).toBeLessThan(1e-6);
    }
  }

  it("softmax and logSoftmax backwards", () => {
    const rows = 3;
    const cols = 7;
    fdCheck(rows * cols, (x, y) => softmax(x, y, rows, cols), (_x, y, dy, dx) => softmaxBackward(y, dy, dx, rows, cols), rows * cols, 3);
    fdCheck(rows * cols, (x, y) => logSoftmax(x, y, rows, cols), (_x, y, dy, dx) => logSoftmaxBackward(y, dy, dx, rows, cols), rows * cols, 3);
  });

  it("maxPool2d backward (distinct values, so the max is differentiable)", () => {
    const g = pool2dGeometry(1, 2, 6, 5, 2, 3, 2, 1, 1, 1);
    const am = new Int32Array(g.n * g.c * g.oh * g.ow);
    fdCheck(
      g.n * g.c * g.h * g.w,
      (x, y) => maxPool2d(x, y, am, g),
      (_x, _y, dy, dx) => maxPool2dBackward(dy, am, dx, g),
      am.length,
    );
  });
});
