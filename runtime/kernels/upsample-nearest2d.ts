// Nearest-neighbour 2-D upsampling by an integer factor, and its backward (sum over each factor² block).
// x is [n,c,h,w], y is [n,c,h·factor,w·factor].

export function upsampleNearest2d(
  x: Float32Array,
  y: Float32Array,
  n: number,
  c: number,
  h: number,
  w: number,
  factor: number,
): void {
  const ow = w * factor;
  const planes = n * c;
  for (let p = 0; p < planes; p++) {
    for (let iy = 0; iy < h; iy++) {
      const src = (p * h + iy) * w;
      const row0 = (p * h + iy) * factor * ow;
      for (let ix = 0; ix < w; ix++) {
        const v = x[src + ix]!;
        const d = row0 + ix * factor;
        for (let f = 0; f < factor; f++) y[d + f] = v;
      }
      // the other factor-1 output rows repeat the first
      for (let r = 1; r < factor; r++) y.copyWithin(row0 + r * ow, row0, row0 + ow);
    }
  }
}

/** dx[n,c,h,w] = Σ over each factor×factor block of dy (dx is overwritten). */
export function upsampleNearest2dBackward(
  dy: Float32Array,
  dx: Float32Array,
  n: number,
  c: number,
  h: number,
  w: number,
  factor: number,
): void {
  const ow = w * factor;
  const planes = n * c;
  for (let p = 0; p < planes; p++) {
    for (let iy = 0; iy < h; iy++) {
      const row0 = (p * h + iy) * factor * ow;
      const dst = (p * h + iy) * w;
      for (let ix = 0; ix < w; ix++) {
        let s = 0;
        for (let r = 0; r < factor; r++) {
          const base = row0 + r * ow + ix * factor;
          for (let f = 0; f < factor; f++) s += dy[base + f]!;
        }
        dx[dst + ix] = s;
      }
    }
  }
}
