// batchMatmul: c[p] (+)= op(a[p])·op(b[p]) for p < batch, each operand `stride` elements apart.
//
// A stride of 0 broadcasts that operand over the batch (e.g. one weight matrix for every sequence).
// strideC = 0 would make every batch item write the same c: that is a reduction over the batch, which
// only makes sense with accumulation, so for p > 0 we force accumulate in that case.

import { matmulAt } from "./matmul.js";

export function batchMatmul(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  batch: number,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
  strideA: number,
  strideB: number,
  strideC: number,
): void {
  for (let p = 0; p < batch; p++) {
    const acc = accumulate || (strideC === 0 && p > 0);
    matmulAt(a, p * strideA, b, p * strideB, c, p * strideC, M, N, K, transA, transB, acc);
  }
}
