// CSV loading from a file (Node: node:fs); the parser and table are platform-neutral, in csv-parse.ts.

import { readFileSync } from "node:fs";
import { DataError } from "./errors.js";
import type { CsvOptions, CsvTable } from "./csv-parse.js";
import { parseCsv } from "./csv-parse.js";

export type { CsvOptions } from "./csv-parse.js";
export { CsvTable, parseCsv, parseCsvRecords } from "./csv-parse.js";

export function loadCsv(path: string, options: CsvOptions = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new DataError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCsv(text, path, options);
}
