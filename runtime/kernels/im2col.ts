// im2col / col2im for one batch item and one channel group (shared by the three conv kernels).
//
// col is [Cg·KH·KW × OH·OW]: row (ci, ky, kx) holds, for each output pixel, the input value that kernel
// tap reads (0 in the padding). For each row we compute the range of output columns whose input column
// is inside the image once, so the inner loop has no bounds test (and is a plain copy for stride 1).

import type { Conv2dGeometry } from "./conv2d-geometry.js";

function firstValid(pad: number, tap: number, stride: number): number {
  // smallest o ≥ 0 with o*stride - pad + tap ≥ 0
  const need = pad - tap;
  return need <= 0 ? 0 : Math.ceil(need / stride);
}

function endValid(size: number, pad: number, tap: number, stride: number, out: number): number {
  // one past the largest o with o*stride - pad + tap ≤ size - 1, clamped to [0, out]
  const num = size - 1 + pad - tap;
  if (num < 0) return 0;
  const e = Math.floor(num / stride) + 1;
  return e < out ? e : out;
}

/** Fills col from x[nIdx, group channels]. */
export function im2col(x: Float32Array, col: Float32Array, g: Conv2dGeometry, nIdx: number, group: number): void {
  const cg = g.c / g.groups;
  const { h, w, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const ohw = oh * ow;
  let row = 0;
  for (let ci = 0; ci < cg; ci++) {
    const plane = (nIdx * g.c + group * cg + ci) * h * w;
    for (let ky = 0; ky < kh; ky++) {
      const tapY = ky * dilationH;
      const oy0 = firstValid(padH, tapY, strideH);
      const oy1 = endValid(h, padH, tapY, strideH, oh);
      for (let kx = 0; kx < kw; kx++, row++) {
        const tapX = kx * dilationW;
        const ox0 = firstValid(padW, tapX, strideW);
        const ox1 = endValid(w, padW, tapX, strideW, ow);
        const base = row * ohw;
        if (oy0 >= oy1 || ox0 >= ox1) {
          col.fill(0, base, base + ohw);
          continue;
        }
        col.fill(0, base, base + oy0 * ow);
        for (let oy = oy0; oy < oy1; oy++) {
          const dst = base + oy * ow;
          const src = plane + (oy * strideH - padH + tapY) * w - padW + tapX;
          for (let ox = 0; ox < ox0; ox++) col[dst + ox] = 0;
          if (strideW === 1) {
            for (let ox = ox0; ox < ox1; ox++) col[dst + ox] = x[src + ox]!;
          } else {
            for (let ox = ox0; ox < ox1; ox++) col[dst + ox] = x[src + ox * strideW]!;
          }
          for (let ox = ox1; ox < ow; ox++) col[dst + ox] = 0;
        }
        col.fill(0, base + oy1 * ow, base + ohw);
      }
    }
  }
}

/** Adds col back into dx[nIdx, group channels] (the adjoint of im2col). */
export function col2imAdd(col: Float32Array, dx: Float32Array, g: Conv2dGeometry, nIdx: number, group: number): void {
  const cg = g.c / g.groups;
  const { h, w, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const ohw = oh * ow;
  let row = 0;
  for (let ci = 0; ci < cg; ci++) {
    const plane = (nIdx * g.c + group * cg + ci) * h * w;
    for (let ky = 0; ky < kh; ky++) {
      const tapY = ky * dilationH;
      const oy0 = firstValid(padH, tapY, strideH);
      const oy1 = endValid(h, padH, tapY, strideH, oh);
      for (let kx = 0; kx < kw; kx++, row++) {
        const tapX = kx * dilationW;
        const ox0 = firstValid(padW, tapX, strideW);
        const ox1 = endValid(w, padW, tapX, strideW, ow);
        const base = row * ohw;
        for (let oy = oy0; oy < oy1; oy++) {
          const srcRow = base + oy * ow;
          const dst = plane + (oy * strideH - padH + tapY) * w - padW + tapX;
          for (let ox = ox0; ox < ox1; ox++) {
            const d = dst + ox * strideW;
            dx[d] = dx[d]! + col[srcRow + ox]!;
          }
        }
      }
    }
  }
}
