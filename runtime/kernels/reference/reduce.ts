// Reference reductions over the middle axis of [outer, n, inner]: one output at a time, float64.

export function refReduceSum(x: Float32Array, y: Float32Array, outer: number, n: number, inner: number, accumulate: boolean): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[(o * n + k) * inner + i]!;
      y[o * inner + i] = (accumulate ? y[o * inner + i]! : 0) + s;
    }
}

export function refReduceMean(x: Float32Array, y: Float32Array, outer: number, n: number, inner: number, accumulate: boolean): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[(o * n + k) * inner + i]!;
      y[o * inner + i] = (accumulate ? y[o * inner + i]! : 0) + s / n;
    }
}

export function refReduceMax(x: Float32Array, y: Float32Array, argmax: Int32Array | null, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let k = 1; k < n; k++) if (x[(o * n + k) * inner + i]! > x[(o * n + best) * inner + i]!) best = k;
      y[o * inner + i] = x[(o * n + best) * inner + i]!;
      if (argmax) argmax[o * inner + i] = best;
    }
}
