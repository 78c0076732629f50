// Writes a small dictd dictionary for the tests (dictzip is gzip-compatible): NAME.dict.dz and its index.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { indexPathFor } from "../../../runtime/data/phrases.js";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function b64(n: number): string {
  let s = "";
  do {
    s = B64[n % 64]! + s;
    n = Math.floor(n / 64);
  } while (n > 0);
  return s;
}

/** Writes DIR/NAME.dict.dz and its index from [index word, entry text] pairs; returns the .dict.dz path. */
export function writeDict(dir: string, name: string, entries: readonly (readonly [string, string])[]): string {
  let offset = 0;
  const chunks: Buffer[] = [];
  const index: string[] = [];
  for (const [word, text] of entries) {
    const bytes = Buffer.from(text, "utf8");
    index.push(`${word}\t${b64(offset)}\t${b64(bytes.length)}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const dictPath = join(dir, `${name}.dict.dz`);
  writeFileSync(dictPath, gzipSync(Buffer.concat(chunks)));
  writeFileSync(indexPathFor(dictPath), index.join("\n") + "\n");
  return dictPath;
}
