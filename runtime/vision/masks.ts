// Instance masks as sorted lists of pixel indices (y·width + x) of one H×W image, the form the mask AP
// needs: a few instances per image, each compared with a few others by IoU (a linear merge).
//
// A box's mask (the instance segmentation of examples/instances.dlm: detection plus a mask per box) is
// the set of pixels whose centre lies inside the box and whose class in a per-pixel class map is the box's
// class: the semantic map cropped by each box.

import type { Box } from "./boxes.js";

/** Arg-max over the channel axis of logits [S, H·W] → class per pixel. */
export function argmaxMap(logits: ArrayLike<number>, channels: number, pixels: number): Int32Array {
  const out = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let best = 0;
    let max = logits[p]!;
    for (let s = 1; s < channels; s++) {
      const v = logits[s * pixels + p]!;
      if (v > max) {
        max = v;
        best = s;
      }
    }
    out[p] = best;
  }
  return out;
}

/** Pixels of `classMap` (H·W) equal to `cls` whose centre (x + 0.5, y + 0.5) lies in `box` (pixels). */
export function boxMask(classMap: ArrayLike<number>, height: number, width: number, box: Box, cls: number): Int32Array {
  const x0 = Math.max(0, Math.ceil(box.x1 - 0.5));
  const x1 = Math.min(width, Math.ceil(box.x2 - 0.5));
  const y0 = Math.max(0, Math.ceil(box.y1 - 0.5));
  const y1 = Math.min(height, Math.ceil(box.y2 - 0.5));
  const out: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) if (classMap[y * width + x] === cls) out.push(y * width + x);
  }
  return Int32Array.from(out);
}

/** IoU of two sorted pixel lists; 0 when both are empty. */
export function maskIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const u = a[i]!;
    const v = b[j]!;
    if (u === v) {
      inter++;
      i++;
      j++;
    } else if (u < v) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union > 0 ? inter / union : 0;
}
