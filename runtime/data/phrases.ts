// phrase_pairs: English → German phrase pairs from a dictd dictionary (Debian's dict-freedict-eng-deu),
// read at run time from the user's machine, never bundled.
//
// dictd stores a `.index` (one line per headword: word TAB offset TAB length, numbers in dictd's base64)
// and a `.dict` or dictzip `.dict.dz` (gzip-compatible) of entries. A FreeDict entry reads
//   headword /pronunciation/
//   Übersetzung <fem>, Übertragung <fem> [annotation]
//   …notes, examples, "see:" lines…
// We take the headword (first line, without the pronunciation) as the English side and the first
// translation of the second line as the German side, with <…>, […] and {…} annotations removed and umlauts/ß transliterated (ä → ae, ß → ss) so both
// sides fit the ASCII character vocabulary. Pairs with other characters or longer than maxLength are
// dropped, repeated English phrases kept once; then the pairs are shuffled with the seed (stream
// "phrase_pairs") and the first `limit` kept.

import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createRng } from "../rng.js";
import { DataError } from "./errors.js";

export interface PhrasePairOptions {
  readonly limit?: number | null;
  readonly seed?: number;
  /** Longest phrase kept, in characters, on either side (default 30). */
  readonly maxLength?: number;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeB64Number(s: string): number {
  let n = 0;
  for (const c of s) {
    const v = B64.indexOf(c);
    if (v < 0) return -1;
    n = n * 64 + v;
  }
  return n;
}

const TRANSLIT: Readonly<Record<string, string>> = { ä: "ae", ö: "oe", ü: "ue", Ä: "Ae", Ö: "Oe", Ü: "Ue", ß: "ss", "’": "'", "…": "..." };

const ANNOTATION = /<[^>]*>|\[[^\]]*\]|\{[^}]*\}/g;

function clean(text: string): string {
  return text
    .replace(ANNOTATION, "")
    .replace(/[äöüÄÖÜß’…]/g, (c) => TRANSLIT[c] ?? c)
    .replace(/\s+/g, " ")
    .trim();
}

const PRINTABLE = /^[\x20-\x7e]+$/;

export function indexPathFor(dictPath: string): string {
  return dictPath.replace(/\.dict(\.dz)?$/, "") + ".index";
}

export function loadPhrasePairs(dictPath: string, options: PhrasePairOptions = {}): [string, string][] {
  const maxLength = options.maxLength ?? 30;
  const indexPath = indexPathFor(dictPath);
  const hint = "; install it with: apt-get install dict-freedict-eng-deu";
  if (!existsSync(dictPath)) throw new DataError(dictPath, `not found${hint}`);
  if (!existsSync(indexPath)) throw new DataError(indexPath, `not found (the dictd index belonging to ${dictPath})${hint}`);
  let dict: Buffer;
  try {
    const raw = readFileSync(dictPath);
    dict = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  } catch (e) {
    throw new DataError(dictPath, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = readFileSync(indexPath, "utf8").split("\n");
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  lines.forEach((line, i) => {
    if (line === "") return;
    const parts = line.split("\t");
    if (parts.length < 3) throw new DataError(indexPath, `${i + 1}: expected word, offset and length separated by tabs`);
    const word = parts[0]!;
    if (word.startsWith("00-database") || word.startsWith("00database") || word.length > 2 * maxLength) return;
    const offset = decodeB64Number(parts[1]!);
    const length = decodeB64Number(parts[2]!);
    if (offset < 0 || length < 0 || offset + length > dict.length) {
      throw new DataError(indexPath, `${i + 1}: entry ${JSON.stringify(word)} points outside the dictionary (${dict.length} bytes)`);
    }
    // Only the first two lines of the entry matter (headword, translations): decode just those.
    const end = offset + length;
    const nl1 = dict.indexOf(10, offset);
    if (nl1 < 0 || nl1 >= end) return;
    let nl2 = dict.indexOf(10, nl1 + 1);
    if (nl2 < 0 || nl2 > end) nl2 = end;
    // The headword line keeps the phrase's case and punctuation (the index word is normalised).
    const head = dict.toString("utf8", offset, nl1);
    const slash = head.indexOf(" /");
    const english = clean(slash >= 0 ? head.slice(0, slash) : head);
    if (english.length === 0 || english.length > maxLength || !PRINTABLE.test(english) || seen.has(english)) return;
    // annotations first (they may hold commas: "<v, trans>"), then the first of the translations
    const translations = dict.toString("utf8", nl1 + 1, nl2).replace(ANNOTATION, "");
    const german = clean(translations.split(/[,;]\s/)[0] ?? "");
    if (german.length === 0 || german.length > maxLength || !PRINTABLE.test(german)) return;
    seen.add(english);
    pairs.push([english, german]);
  });
  if (pairs.length === 0) throw new DataError(dictPath, "no usable phrase pairs found");
  const order = Int32Array.from({ length: pairs.length }, (_, i) => i);
  createRng(options.seed ?? 0).fork("phrase_pairs").shuffle(order);
  const limit = options.limit ?? pairs.length;
  return Array.from(order.subarray(0, Math.min(limit, pairs.length)), (k) => pairs[k]!);
}
