// reduceSum / reduceMean over the middle axis of an [outer, n, inner] view: y[o, i] (+)= Σ_k x[o, k, i].
//
// Any set of reduced axes becomes this shape once the caller flattens (reducing several non-adjacent
// axes takes several calls). Sums are kept in float64 locals, 4 output columns at a time, so the
// rounding is one f32 store per output whatever n is (reads are strided by `inner`, which hardware
// prefetch follows; the 4 columns share cache lines).

export function reduceSum(
  x: Float32Array,
  y: Float32Array,
  outer: number,
  n: number,
  inner: number,
  accumulate: boolean,
): void {
  reduceScaled(x, y, outer, n, inner, accumulate, 1);
}

/** y[o, i] (+)= mean over k of x[o, k, i]; n = 0 gives NaN (0/0), as in PyTorch. */
export function reduceMean(
  x: Float32Array,
  y: Float32Array,
  outer: number,
  n: number,
  inner: number,
  accumulate: boolean,
): void {
  reduceScaled(x, y, outer, n, inner, accumulate, 1 / n);
}

function reduceScaled(
  x: Float32Array,
  y: Float32Array,
  outer: number,
  n: number,
  inner: number,
  accumulate: boolean,
  scale: number,
): void {
  const i4 = inner - (inner & 3);
  for (let o = 0; o < outer; o++) {
    const xb = o * n * inner;
    const yb = o * inner;
    let i = 0;
    for (; i < i4; i += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < n; k++) {
        const p = xb + k * inner + i;
        s0 += x[p]!;
        s1 += x[p + 1]!;
        s2 += x[p + 2]!;
        s3 += x[p + 3]!;
      }
      if (accumulate) {
        y[yb + i] = y[yb + i]! + s0 * scale;
        y[yb + i + 1] = y[yb + i + 1]! + s1 * scale;
        y[yb + i + 2] = y[yb + i + 2]! + s2 * scale;
        y[yb + i + 3] = y[yb + i + 3]! + s3 * scale;
      } else {
        y[yb + i] = s0 * scale;
        y[yb + i + 1] = s1 * scale;
        y[yb + i + 2] = s2 * scale;
        y[yb + i + 3] = s3 * scale;
      }
    }
    for (; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[xb + k * inner + i]!;
      y[yb + i] = accumulate ? y[yb + i]! + s * scale : s * scale;
    }
  }
}
