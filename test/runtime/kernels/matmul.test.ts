// matmul and batchMatmul against the triple-loop reference, all four transpose combinations, odd sizes.
//
// Tolerance: the fast kernel sums in float64 but stores c as float32 after every group of 4 k (axpy
// form) or every 128-k block (dot form), so its error is at most about ⌈K/4⌉ float32 roundings of the
// running sum: ≤ ⌈K/4⌉·2⁻²⁴·Σ|a||b|. We check |fast − ref| ≤ 4e-7·⌈K/4⌉·Σ|a||b| elementwise.

import { describe, expect, it } from "vitest";
import { batchMatmul } from "../../../runtime/kernels/batch-matmul.js";
import { matmul, matmulAt } from "../../../runtime/kernels/matmul.js";
import { refBatchMatmul, refMatmul } from "../../../runtime/kernels/reference/matmul.js";
import { absArray, expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(1234);

function check(M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean): void {
  const a = randArray(rand, M * K);
  const b = randArray(rand, K * N);
  const c0 = randArray(rand, M * N);
  const got = c0.slice();
  const want = c0.slice();
  matmul(a, b, got, M, N, K, transA, transB, accumulate);
  refMatmul(a, b, want, M, N, K, transA, transB, accumulate);
  const scale = new Float32Array(M * N);
  refMatmul(absArray(a), absArray(b), scale, M, N, K, transA, transB, false);
  if (accumulate) for (let i = 0; i < scale.length; i++) scale[i]! += Math.abs(c0[i]!);
  expectClose(got, want, 4e-7 * Math.ceil(K / 4 + 1), scale.map((s) => s + 1e-6));
}

describe("matmul", () => {
  for (const transA of [false, true])
    for (const transB of [false, true])
      it(`matches the reference (transA=${transA}, transB=${transB})`, () => {
        const sizes: [number, number, number][] = [
          [1, 1, 1],
          [1, 7, 3],
          [5, 1, 9],
          [3, 5, 1],
          [17, 13, 11],
          [33, 65, 129],
          [64, 64, 64],
          [2, 1030, 5],
          [9, 4, 300],
        ];
        for (let t = 0; t < 6; t++) sizes.push([randInt(rand, 1, 70), randInt(rand, 1, 70), randInt(rand, 1, 200)]);
        for (const [M, N, K] of sizes) {
          check(M, N, K, transA, transB, false);
          check(M, N, K, transA, transB, true);
        }
      });

  it("overwrites c without accumulate, even when c held NaN", () => {
    const a = new Float32Array([1, 2, 3, 4]);
    const b = new Float32Array([5, 6, 7, 8]);
    const c = new Float32Array([NaN, NaN, NaN, NaN]);
    matmul(a, b, c, 2, 2, 2, false, false, false);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it("K = 0 gives zeros (or leaves c when accumulating)", () => {
    const c = new Float32Array([1, 2]);
    matmul(new Float32Array(0), new Float32Array(0), c, 1, 2, 0, false, false, true);
    expect(Array.from(c)).toEqual([1, 2]);
    matmul(new Float32Array(0), new Float32Array(0), c, 1, 2, 0, false, false, false);
    expect(Array.from(c)).toEqual([0, 0]);
  });

  it("matmulAt touches only its window of c", () => {
    const a = randArray(rand, 2 + 6);
    const b = randArray(rand, 3 + 9);
    const c = new Float32Array(4 + 6 + 4).fill(7);
    matmulAt(a, 2, b, 3, c, 4, 2, 3, 3, false, false, false);
    const want = new Float32Array(6);
    refMatmul(a.subarray(2), b.subarray(3), want, 2, 3, 3, false, false, false);
    expectClose(c.subarray(4, 10), want, 1e-6, 1);
    expect(Array.from(c.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    expect(Array.from(c.subarray(10))).toEqual([7, 7, 7, 7]);
  });
});

describe("batchMatmul", () => {
  it("matches the reference with per-item strides and broadcast operands", () => {
    for (const [sa, sb] of [
      [1, 1],
      [0, 1],
      [1, 0],
    ] as const) {
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const batch = randInt(rand, 1, 5);
          const M = randInt(rand, 1, 20);
          const N = randInt(rand, 1, 20);
          const K = randInt(rand, 1, 40);
          const a = randArray(rand, (sa ? batch : 1) * M * K);
          const b = randArray(rand, (sb ? batch : 1) * K * N);
          const got = randArray(rand, batch * M * N);
          const want = got.slice();
          const args = [batch, M, N, K, transA, transB, false, sa * M * K, sb * K * N, M * N] as const;
          batchMatmul(a, b, got, ...args);
          refBatchMatmul(a, b, want, ...args);
          const scale = new Float32Array(batch * M * N);
          refBatchMatmul(absArray(a), absArray(b), scale, ...args);
          expectClose(got, want, 4e-7 * Math.ceil(K / 4 + 1), scale.map((s) => s + 1e-6));
        }
    }
  });

  it("strideC = 0 sums the batch into one c", () => {
    const a = randArray(rand, 3 * 2 * 4);
    const b = randArray(rand, 3 * 4 * 5);
    const got = new Float32Array(10).fill(NaN);
    batchMatmul(a, b, got, 3, 2, 5, 4, false, false, false, 8, 20, 0);
    const want = new Float32Array(10);
    for (let p = 0; p < 3; p++) {
      const part = new Float32Array(10);
      refMatmul(a.subarray(p * 8), b.subarray(p * 20), part, 2, 5, 4, false, false, false);
      for (let i = 0; i < 10; i++) want[i]! += part[i]!;
    }
    expectClose(got, want, 1e-6, 4);
  });
});
