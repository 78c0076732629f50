// maxPool2d and its backward. Padding counts as -∞ (never selected).
//
// argmax[i] is the flat index into x of the winner for output i (first maximum in row-major window
// order on ties), so the backward is a scatter dx[argmax[i]] += dy[i]. A window lying wholly in the
// padding (impossible when pad ≤ kernel/2, which pool2dGeometry enforces) would store -1.

import type { Pool2dGeometry } from "./pool2d-geometry.js";

export function maxPool2d(x: Float32Array, y: Float32Array, argmax: Int32Array, g: Pool2dGeometry): void {
  const { h, w, kh, kw, oh, ow, strideH, strideW, padH, padW } = g;
  const planes = g.n * g.c;
  for (let p = 0; p < planes; p++) {
    const xBase = p * h * w;
    const yBase = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * strideH - padH;
      const ya = y0 < 0 ? 0 : y0;
      const yb = y0 + kh < h ? y0 + kh : h;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * strideW - padW;
        const xa = x0 < 0 ? 0 : x0;
        const xb = x0 + kw < w ? x0 + kw : w;
        let best = -Infinity;
        let at = -1;
        for (let iy = ya; iy < yb; iy++) {
          const row = xBase + iy * w;
          for (let ix = xa; ix < xb; ix++) {
            const v = x[row + ix]!;
            // The first element always wins (so an all -∞ window still has an argmax); a NaN wins and
            // then sticks, so NaNs propagate like PyTorch's max pool.
            if (at < 0 || v > best || (v !== v && best === best)) {
              best = v;
              at = row + ix;
            }
          }
        }
        y[yBase + oy * ow + ox] = best;
        argmax[yBase + oy * ow + ox] = at;
      }
    }
  }
}

export function maxPool2dBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, g: Pool2dGeometry): void {
  dx.fill(0, 0, g.n * g.c * g.h * g.w);
  const count = g.n * g.c * g.oh * g.ow;
  for (let i = 0; i < count; i++) {
    const at = argmax[i]!;
    if (at >= 0) dx[at] = dx[at]! + dy[i]!;
  }
}
