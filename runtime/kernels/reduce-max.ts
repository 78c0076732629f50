// reduceMax over the middle axis of an [outer, n, inner] view: y[o, i] = max_k x[o, k, i].
//
// argmax (optional) receives k, the position along the reduced axis (first maximum on ties), which is
// what the backward needs: dx[o, argmax[o,i], i] = dy[o, i]. A NaN wins and sticks (NaNs propagate).
// The loop walks x row by row (contiguous), updating all inner columns at once.

export function reduceMax(
  x: Float32Array,
  y: Float32Array,
  argmax: Int32Array | null,
  outer: number,
  n: number,
  inner: number,
): void {
  if (n === 0) {
    y.fill(-Infinity, 0, outer * inner);
    if (argmax !== null) argmax.fill(-1, 0, outer * inner);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const xb = o * n * inner;
    const yb = o * inner;
    for (let i = 0; i < inner; i++) y[yb + i] = x[xb + i]!;
    if (argmax !== null) argmax.fill(0, yb, yb + inner);
    for (let k = 1; k < n; k++) {
      const row = xb + k * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const best = y[yb + i]!;
        if (v > best || (v !== v && best === best)) {
          y[yb + i] = v;
          if (argmax !== null) argmax[yb + i] = k;
        }
      }
    }
  }
}
