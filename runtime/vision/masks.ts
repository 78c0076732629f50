// Instance masks as sorted lists of pixel indices (y·width + x) of one H×W image, the form the mask AP
// needs: a few instances per image, each compared with a few others by IoU (a linear merge).
//
// A box's mask (the instance segmentation of examples/instances.dlm: detection plus a mask per box) is
// the semantic map cropped by the box: `boxMask` takes the pixels whose centre lies inside the box and
// whose class is the box's class (exact for ground truth). `instanceMasks` is the form for predictions,
// more forgiving of a class map that hesitates between classes inside one object: a box takes every
// foreground pixel inside it except those another box containing them claims by its own class.

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

export interface ClassBox {
  readonly box: Box;
  /** The pixel class this box's object has in the class map (1 + its label for digit_canvases). */
  readonly cls: number;
}

/**
 * Masks of boxes over one class map (0 = background): box i takes the pixels with class c > 0 whose centre
 * is inside it, when c is its own class or no other box containing the pixel has class c.
 */
export function instanceMasks(classMap: ArrayLike<number>, height: number, width: number, boxes: readonly ClassBox[]): Int32Array[] {
  const inside = (b: Box, x: number, y: number) => x + 0.5 >= b.x1 && x + 0.5 < b.x2 && y + 0.5 >= b.y1 && y + 0.5 < b.y2;
  return boxes.map((own, i) => {
    const out: number[] = [];
    const x0 = Math.max(0, Math.ceil(own.box.x1 - 0.5));
    const x1 = Math.min(width, Math.ceil(own.box.x2 - 0.5));
    const y0 = Math.max(0, Math.ceil(own.box.y1 - 0.5));
    const y1 = Math.min(height, Math.ceil(own.box.y2 - 0.5));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const c = classMap[y * width + x]!;
        if (c === 0) continue;
        if (c === own.cls || !boxes.some((o, j) => j !== i && o.cls === c && inside(o.box, x, y))) out.push(y * width + x);
      }
    }
    return Int32Array.from(out);
  });
}
