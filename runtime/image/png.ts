// 8-bit images and PNG files: the one place dlm turns numbers into pictures (GAN samples, autoencoder
// reconstructions, saliency heatmaps).
//
// An `Image` is plain interleaved 8-bit data (1 = gray, 3 = RGB, 4 = RGBA channels), so grids and colormaps
// work on it without knowing about PNG. Files are written like checkpoints (atomic-file.ts: temp file in the
// same directory, fsync, rename), so a crash never leaves a half-written PNG under the target name.

import { encode } from "fast-png";
import { writeFileDurableSync } from "../atomic-file.js";

export type ImageChannels = 1 | 3 | 4;

export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: ImageChannels;
  /** width * height * channels bytes, row-major, channels interleaved. */
  readonly data: Uint8Array;
}

/** Bad image arguments or an unwritable file: one clear message for the CLI, never a stack trace. */
export class ImageError extends Error {
  override readonly name = "ImageError";
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`image size must be positive integers, got ${width}x${height}`);
  }
}

/** A blank image filled with `value` (a gray level, or one value per channel). */
export function createImage(width: number, height: number, channels: ImageChannels = 1, value: number | readonly number[] = 0): Image {
  checkSize(width, height);
  const data = new Uint8Array(width * height * channels);
  const fillWith = typeof value === "number" ? Array.from({ length: channels }, () => value) : value;
  if (fillWith.length !== channels) throw new ImageError(`fill colour has ${fillWith.length} values, the image ${channels} channels`);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = fillWith[c] ?? 0;
  }
  return { width, height, channels, data };
}

export interface FromFloatOptions {
  readonly channels?: ImageChannels;
  /** Values at or below `min` become 0 (default 0). */
  readonly min?: number;
  /** Values at or above `max` become 255 (default 1). */
  readonly max?: number;
  /** "hwc" (default): interleaved; "chw": planar, as NCHW tensors store one example. */
  readonly layout?: "hwc" | "chw";
  /** Element offset into `values` (one example of a batch). */
  readonly offset?: number;
}

/**
 * Float pixels (a model output, typically in [0, 1]) → 8-bit image: linear map of [min, max] to [0, 255],
 * clamped, rounded; NaN becomes 0 so a diverged model still writes a (black) picture.
 */
export function imageFromFloats(values: ArrayLike<number>, width: number, height: number, options: FromFloatOptions = {}): Image {
  checkSize(width, height);
  const channels = options.channels ?? 1;
  const min = options.min ?? 0;
  const max = options.max ?? 1;
  const offset = options.offset ?? 0;
  if (!(max > min)) throw new ImageError(`pixel range must have max > min, got [${min}, ${max}]`);
  const n = width * height * channels;
  if (offset < 0 || offset + n > values.length) {
    throw new ImageError(`need ${n} values for a ${width}x${height}x${channels} image at offset ${offset}, have ${values.length}`);
  }
  const data = new Uint8Array(n);
  const scale = 255 / (max - min);
  const planar = options.layout === "chw";
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      const v = values[offset + (planar ? c * plane + p : p * channels + c)] ?? Number.NaN;
      const s = Number.isNaN(v) ? 0 : Math.round((v - min) * scale);
      data[p * channels + c] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  return { width, height, channels, data };
}

/** Nearest-neighbour enlargement by an integer factor (28×28 digits are tiny on screen). */
export function scaleImage(image: Image, factor: number): Image {
  if (!Number.isInteger(factor) || factor < 1) throw new ImageError(`scale must be a positive integer, got ${factor}`);
  if (factor === 1) return image;
  const { width, height, channels } = image;
  const w = width * factor;
  const out = new Uint8Array(w * height * factor * channels);
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < w; x++) {
      const src = (sy * width + Math.floor(x / factor)) * channels;
      const dst = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = image.data[src + c] ?? 0;
    }
  }
  return { width: w, height: height * factor, channels, data: out };
}

function checkImage(image: Image): void {
  checkSize(image.width, image.height);
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new ImageError(`image data has ${image.data.length} bytes, ${image.width}x${image.height}x${image.channels} needs ${image.width * image.height * image.channels}`);
  }
}

/** The PNG bytes of an image (8 bits per channel). */
export function encodeImagePng(image: Image): Uint8Array {
  checkImage(image);
  return encode({ width: image.width, height: image.height, data: image.data, depth: 8, channels: image.channels });
}

/** Writes `image` as a PNG file at `path`, atomically; throws ImageError with the path on failure. */
export function writePng(path: string, image: Image): void {
  const bytes = encodeImagePng(image);
  try {
    writeFileDurableSync(path, bytes);
  } catch (e) {
    throw new ImageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
