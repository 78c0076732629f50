// digit_canvases: synthetic size×size canvases holding a few MNIST digits, for segmentation and detection.
//
// Per canvas (seeded, deterministic): k digits, k uniform in [digits[0], digits[1]]; each digit is a random
// image of the source set pasted at a random position wholly inside the canvas, pixels combined by max.
// Fields (the catalogue's schema):
//   image  f32[1, size, size]  pixel values in [0, 1]
//   mask   i32[size, size]     0 background, 1 + digit where the digit's pixel is > 0.5 (later digits on top)
// With `grid` G (cells of size/G pixels), for detection, each digit is assigned to the cell holding the
// centre of its tight box (pixels > 0.5; a later digit in the same cell replaces an earlier one):
//   has_object   f32[1, G, G]  1 in that cell
//   box_target   f32[4, G, G]  centre x, y as offsets within the cell in [0, 1), then log(width / cell),
//                              log(height / cell) of the tight box
//   class_target i32[G, G]     the digit, -1 in empty cells

import type { Rng } from "../rng.js";
import { createRng } from "../rng.js";
import { Dataset } from "./dataset.js";
import type { FieldSpec } from "./dataset.js";
import { DataError } from "./errors.js";

export interface DigitCanvasOptions {
  readonly count: number;
  readonly size: number;
  /** [min, max] digits per canvas (default [1, 1]). */
  readonly digits?: readonly [number, number];
  readonly grid?: number | null;
  readonly seed?: number;
}

export interface DigitSource {
  /** count × 28·28 values in [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

const D = 28;
const ON = 0.5;

export function digitCanvases(options: DigitCanvasOptions, source: DigitSource): Dataset {
  const { count, size } = options;
  const [lo, hi] = options.digits ?? [1, 1];
  const grid = options.grid ?? null;
  if (!Number.isInteger(count) || count < 1) throw new DataError("", `digit_canvases: count must be at least 1, got ${count}`);
  if (!Number.isInteger(size) || size < D) throw new DataError("", `digit_canvases: size must be at least ${D}, got ${size}`);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo) throw new DataError("", `digit_canvases: digits must be [min, max] with 0 ≤ min ≤ max, got [${lo}, ${hi}]`);
  if (grid !== null && (!Number.isInteger(grid) || grid < 1 || size % grid !== 0)) throw new DataError("", `digit_canvases: grid ${grid} must divide size ${size}`);
  if (source.count < 1) throw new DataError("", "digit_canvases: the digit source is empty");
  const rng: Rng = createRng(options.seed ?? 0).fork("digit_canvases");
  const plane = size * size;
  const image = new Float32Array(count * plane);
  const mask = new Int32Array(count * plane);
  const G = grid ?? 0;
  const cells = G * G;
  const hasObject = new Float32Array(count * cells);
  const boxTarget = new Float32Array(count * 4 * cells);
  const classTarget = new Int32Array(count * cells).fill(-1);
  const cell = grid === null ? 0 : size / grid;

  for (let n = 0; n < count; n++) {
    const k = lo + rng.nextInt(hi - lo + 1);
    for (let d = 0; d < k; d++) {
      const which = rng.nextInt(source.count);
      const digit = source.labels[which]!;
      const x0 = rng.nextInt(size - D + 1);
      const y0 = rng.nextInt(size - D + 1);
      let xmin = D;
      let ymin = D;
      let xmax = -1;
      let ymax = -1;
      for (let r = 0; r < D; r++) {
        for (let c = 0; c < D; c++) {
          const v = source.images[which * D * D + r * D + c]!;
          const at = n * plane + (y0 + r) * size + x0 + c;
          if (v > image[at]!) image[at] = v;
          if (v > ON) {
            mask[at] = 1 + digit;
            if (c < xmin) xmin = c;
            if (c > xmax) xmax = c;
            if (r < ymin) ymin = r;
            if (r > ymax) ymax = r;
          }
        }
      }
      if (grid === null) continue;
      if (xmax < 0) {
        // a blank digit image: use the whole 28×28 square as its box
        xmin = 0;
        ymin = 0;
        xmax = D - 1;
        ymax = D - 1;
      }
      const cx = x0 + (xmin + xmax + 1) / 2;
      const cy = y0 + (ymin + ymax + 1) / 2;
      const gx = Math.min(G - 1, Math.floor(cx / cell));
      const gy = Math.min(G - 1, Math.floor(cy / cell));
      const g = gy * G + gx;
      hasObject[n * cells + g] = 1;
      boxTarget[(n * 4 + 0) * cells + g] = cx / cell - gx;
      boxTarget[(n * 4 + 1) * cells + g] = cy / cell - gy;
      boxTarget[(n * 4 + 2) * cells + g] = Math.log((xmax - xmin + 1) / cell);
      boxTarget[(n * 4 + 3) * cells + g] = Math.log((ymax - ymin + 1) / cell);
      classTarget[n * cells + g] = digit;
    }
  }
  const fields: Record<string, FieldSpec> = {
    image: { data: image, shape: [1, size, size] },
    mask: { data: mask, shape: [size, size] },
  };
  if (grid !== null) {
    fields.has_object = { data: hasObject, shape: [1, G, G] };
    fields.box_target = { data: boxTarget, shape: [4, G, G] };
    fields.class_target = { data: classTarget, shape: [G, G] };
  }
  return new Dataset(fields);
}
