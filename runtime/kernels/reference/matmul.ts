// Reference matmul and batched matmul: plain triple loops with float64 sums, for tests only.

export function refMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: Float32Array,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  refMatmulAt(a, 0, b, 0, c, 0, M, N, K, transA, transB, accumulate);
}

export function refMatmulAt(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  c: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const x = transA ? a[aOff + k * M + i]! : a[aOff + i * K + k]!;
        const y = transB ? b[bOff + j * K + k]! : b[bOff + k * N + j]!;
        s += x * y;
      }
      c[cOff + i * N + j] = accumulate ? c[cOff + i * N + j]! + s : s;
    }
  }
}

export function refBatchMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
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
    // strideC = 0 sums the batch into one c (as the fast kernel documents)
    const acc = accumulate || (strideC === 0 && p > 0);
    refMatmulAt(a, p * strideA, b, p * strideB, c, p * strideC, M, N, K, transA, transB, acc);
  }
}
