// Colormaps for heatmaps (saliency, per-pixel errors): a float map → an RGB image.
//
// "viridis" is perceptually uniform and readable in gray print (piecewise-linear through five of its
// published anchor colours: close, not exact); "diverging" maps negative → blue, 0 → white, positive → red
// and is symmetric about 0 by default, for signed attributions; "gray" is black → white.

import type { Image } from "./png.js";
import { ImageError } from "./png.js";

export type ColormapName = "viridis" | "diverging" | "gray";

type Rgb = readonly [number, number, number];

const ANCHORS: Readonly<Record<ColormapName, readonly Rgb[]>> = {
  viridis: [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]],
  diverging: [[33, 102, 172], [255, 255, 255], [178, 24, 43]],
  gray: [[0, 0, 0], [255, 255, 255]],
};

/** The colour of t ∈ [0, 1] (clamped; NaN → the low end) in a colormap. */
export function colormapColor(name: ColormapName, t: number): Rgb {
  const anchors = ANCHORS[name];
  const u = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const pos = u * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = anchors[i] as Rgb;
  const b = anchors[i + 1] as Rgb;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export interface HeatmapOptions {
  readonly colormap?: ColormapName;
  /** Value mapped to the low end; default the data minimum (for "diverging": -max|v|). */
  readonly min?: number;
  /** Value mapped to the high end; default the data maximum (for "diverging": +max|v|). */
  readonly max?: number;
  readonly offset?: number;
}

/** width×height floats (row-major, from `offset`) → RGB image. A constant map takes the middle colour. */
export function heatmap(values: ArrayLike<number>, width: number, height: number, options: HeatmapOptions = {}): Image {
  const name = options.colormap ?? "viridis";
  const offset = options.offset ?? 0;
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`heatmap size must be positive integers, got ${width}x${height}`);
  }
  if (offset < 0 || offset + n > values.length) throw new ImageError(`need ${n} values at offset ${offset}, have ${values.length}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i] ?? Number.NaN;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (name === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    lo = -m;
    hi = m;
  }
  lo = options.min ?? lo;
  hi = options.max ?? hi;
  const span = hi - lo;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = values[offset + i] ?? Number.NaN;
    const t = span > 0 && Number.isFinite(span) ? (v - lo) / span : 0.5;
    const [r, g, b] = colormapColor(name, t);
    data[i * 3] = r;
    data[i * 3 + 1] = g;
    data[i * 3 + 2] = b;
  }
  return { width, height, channels: 3, data };
}

/** Blends an RGB heatmap over a (gray or RGB) image of the same size: out = (1-alpha)·base + alpha·heat. */
export function overlay(base: Image, heat: Image, alpha = 0.5): Image {
  if (base.width !== heat.width || base.height !== heat.height) {
    throw new ImageError(`overlay needs one size: ${base.width}x${base.height} and ${heat.width}x${heat.height}`);
  }
  if (heat.channels !== 3) throw new ImageError("overlay needs an RGB heatmap");
  if (!(alpha >= 0 && alpha <= 1)) throw new ImageError(`alpha must be in [0, 1], got ${alpha}`);
  const n = base.width * base.height;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const b = base.channels === 1 ? (base.data[p] ?? 0) : (base.data[p * base.channels + c] ?? 0);
      data[p * 3 + c] = Math.round((1 - alpha) * b + alpha * (heat.data[p * 3 + c] ?? 0));
    }
  }
  return { width: base.width, height: base.height, channels: 3, data };
}
