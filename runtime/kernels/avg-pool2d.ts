// avgPool2d and its backward, count_include_pad = true (PyTorch's default).
//
// With floor-mode output sizes and pad ≤ kernel/2, no window reaches past the padded border, so the
// divisor is always kh·kw (padding contributes zeros to the sum but counts in the divisor).

import type { Pool2dGeometry } from "./pool2d-geometry.js";

export function avgPool2d(x: Float32Array, y: Float32Array, g: Pool2dGeometry): void {
  const { h, w, kh, kw, oh, ow, strideH, strideW, padH, padW } = g;
  const inv = 1 / (kh * kw);
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
        let s = 0;
        for (let iy = ya; iy < yb; iy++) {
          const row = xBase + iy * w;
          for (let ix = xa; ix < xb; ix++) s += x[row + ix]!;
        }
        y[yBase + oy * ow + ox] = s * inv;
      }
    }
  }
}

/** dx is zeroed, then each dy/(kh·kw) is spread over its window. */
export function avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry): void {
  const { h, w, kh, kw, oh, ow, strideH, strideW, padH, padW } = g;
  const inv = 1 / (kh * kw);
  const planes = g.n * g.c;
  dx.fill(0, 0, planes * h * w);
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
        const d = dy[yBase + oy * ow + ox]! * inv;
        for (let iy = ya; iy < yb; iy++) {
          const row = xBase + iy * w;
          for (let ix = xa; ix < xb; ix++) dx[row + ix] = dx[row + ix]! + d;
        }
      }
    }
  }
}
