// IDX files (the MNIST family's format): a reader for any IDX array, plus an images+labels pair loader.
//
// Layout: 2 zero bytes, a type byte (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), a rank
// byte, then `rank` big-endian u32 dimensions and the data, big-endian. Labels are 0x0801 (u8, rank 1),
// images 0x0803 (u8, rank 3). Gzipped files (magic 1f 8b) are inflated first, whatever their name.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DataError } from "./errors.js";

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly type: "u8" | "i8" | "i16" | "i32" | "f32" | "f64";
  readonly dims: readonly number[];
  readonly data: IdxData;
}

const TYPES = {
  0x08: { type: "u8", bytes: 1 },
  0x09: { type: "i8", bytes: 1 },
  0x0b: { type: "i16", bytes: 2 },
  0x0c: { type: "i32", bytes: 4 },
  0x0d: { type: "f32", bytes: 4 },
  0x0e: { type: "f64", bytes: 8 },
} as const;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses IDX bytes (gzipped or not); `file` is only used in error messages. */
export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new DataError(file, `gzip data is corrupt (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4) throw new DataError(file, `too short for an IDX file (${bytes.length} bytes, need at least 4)`);
  const code = bytes[2]!;
  const info = (TYPES as Record<number, { type: IdxArray["type"]; bytes: number }>)[code];
  if (bytes[0] !== 0 || bytes[1] !== 0 || info === undefined) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    throw new DataError(file, `bad magic number 0x${magic} (not an IDX file: expected 0x0000 then a type byte 08/09/0b/0c/0d/0e)`);
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(file, `too short: ${bytes.length} bytes, but the header of a rank-${rank} IDX array needs ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== count * info.bytes) {
    throw new DataError(
      file,
      `dims [${dims.join(", ")}] need ${count * info.bytes} data bytes but the file has ${dataBytes}` +
        (dataBytes < count * info.bytes ? " (truncated?)" : ""),
    );
  }
  return { type: info.type, dims, data: decode(view, headerBytes, count, info.type) };
}

function decode(view: DataView, at: number, count: number, type: IdxArray["type"]): IdxData {
  switch (type) {
    case "u8":
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case "i8":
      return new Int8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case "i16":
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(at + 2 * i, false));
    case "i32":
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(at + 4 * i, false));
    case "f32":
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, false));
    case "f64":
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(at + 8 * i, false));
  }
}

/** Reads and parses one IDX file; a missing or unreadable file is a DataError too. */
export function readIdx(path: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new DataError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(raw, path);
}

export interface ImageSet {
  /** count × rows × cols values in [0, 1] (u8 pixels divided by 255). */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly shape: readonly [number, number];
}

/** Loads a u8 rank-3 image file and a u8 rank-1 label file of the same count. */
export function loadIdxImages(imagesPath: string, labelsPath: string): ImageSet {
  const img = readIdx(imagesPath);
  const lab = readIdx(labelsPath);
  if (img.type !== "u8" || img.dims.length !== 3) {
    throw new DataError(imagesPath, `expected u8 images of rank 3 (magic 0x0803), got ${img.type} of rank ${img.dims.length}`);
  }
  if (lab.type !== "u8" || lab.dims.length !== 1) {
    throw new DataError(labelsPath, `expected u8 labels of rank 1 (magic 0x0801), got ${lab.type} of rank ${lab.dims.length}`);
  }
  const [count, rows, cols] = img.dims as [number, number, number];
  if (lab.dims[0] !== count) {
    throw new DataError(labelsPath, `has ${lab.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i]! / 255;
  return { images, labels: Int32Array.from(lab.data), count, shape: [rows, cols] };
}

/** Where `apt-get install dataset-fashion-mnist` puts Fashion-MNIST. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST (or MNIST in IDX form) from a directory with the standard file names, .gz or not. */
export function loadMnistIdxDir(dir: string, part: "train" | "test"): ImageSet {
  const prefix = part === "train" ? "train" : "t10k";
  const find = (base: string): string => {
    for (const name of [`${base}.gz`, base]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    throw new DataError(join(dir, base), `not found (nor ${base}.gz)` + (dir === FASHION_MNIST_DIR ? "; install it with: apt-get install dataset-fashion-mnist" : ""));
  };
  return loadIdxImages(find(`${prefix}-images-idx3-ubyte`), find(`${prefix}-labels-idx1-ubyte`));
}
