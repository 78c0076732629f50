// phrase_pairs: English → German phrase pairs from a dictd dictionary (Debian's dict-freedict-eng-deu),
// read at run time from the user's machine, never bundled.
//
// dictd stores a `.index` (one line per headword: word TAB offset TAB length, numbers in dictd's base64)
// and a `.dict` or dictzip `.dict.dz` (gzip-compatible) of entries. A FreeDict entry reads
//   headword /pronunciation/
//   Übersetzung <fem>, Übertragung <fem> [annotation]
//   …notes, "see:" lines…
//         "an example phrase"  - eine Beispielphrase, ein Beispielsatz
// Two kinds of pairs come out of it:
//   examples   (the default) the example phrases: English in quotes, then " - " and its translations.
//              Running phrases ("be out of service" → "ausser Betrieb sein") share words and endings, so
//              part of a held-out phrase can be learned from the others.
//   headwords  each entry's headword (first line, without the pronunciation) and the first translation
//              of its second line: mostly single terms and compounds, read through the index.
// On both sides <…>, […] and {…} annotations are removed and umlauts/ß transliterated (ä → ae, ß → ss) so
// both fit the ASCII character vocabulary; the German side is the first of its comma- or
// semicolon-separated translations. Pairs with other characters or longer than maxLength are dropped,
// repeated English phrases kept once (an example can stand under several headwords); then the pairs are
// shuffled with the seed (stream "phrase_pairs") and the first `limit` kept.

import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createRng } from "../rng.js";
import { DataError } from "./errors.js";

export interface PhrasePairOptions {
  readonly limit?: number | null;
  readonly seed?: number;
  /** Longest phrase kept, in characters, on either side (default 30). */
  readonly maxLength?: number;
  /** Example phrases (default) or headwords with their first translation. */
  readonly kind?: PhraseKind;
}

export type PhraseKind = "examples" | "headwords";

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

function readDict(dictPath: string): Buffer {
  if (!existsSync(dictPath)) throw new DataError(dictPath, `not found${INSTALL}`);
  try {
    const raw = readFileSync(dictPath);
    return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  } catch (e) {
    throw new DataError(dictPath, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const INSTALL = "; install it with: apt-get install dict-freedict-eng-deu";

/** Keeps a cleaned pair when both sides are printable ASCII of 1…maxLength characters and the English is new. */
class PairCollector {
  readonly pairs: [string, string][] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly maxLength: number) {}

  fits(text: string): boolean {
    return text.length > 0 && text.length <= this.maxLength && PRINTABLE.test(text);
  }

  /** The English side, cleaned, when it can still be taken; else undefined. */
  english(raw: string): string | undefined {
    const english = clean(raw);
    return this.fits(english) && !this.seen.has(english) ? english : undefined;
  }

  /** Adds the pair when the first of the translations fits. */
  add(english: string, translations: string): void {
    // annotations first (they may hold commas: "<v, trans>"), then the first of the translations
    const german = clean(translations.replace(ANNOTATION, "").split(/[,;]\s/)[0] ?? "");
    if (!this.fits(german)) return;
    this.seen.add(english);
    this.pairs.push([english, german]);
  }
}

// An example line: indented, the English in double quotes, two spaces, "- ", the translations.
const EXAMPLE = /^[ \t]+"([^"\n]+)"[ \t]+- ([^\n]+)$/gm;

function examplePairs(dict: Buffer, into: PairCollector): void {
  const text = dict.toString("utf8");
  for (const m of text.matchAll(EXAMPLE)) {
    const english = into.english(m[1]!);
    if (english !== undefined) into.add(english, m[2]!);
  }
}

function headwordPairs(dictPath: string, dict: Buffer, into: PairCollector): void {
  const indexPath = indexPathFor(dictPath);
  if (!existsSync(indexPath)) throw new DataError(indexPath, `not found (the dictd index belonging to ${dictPath})${INSTALL}`);
  const lines = readFileSync(indexPath, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line === "") return;
    const parts = line.split("\t");
    if (parts.length < 3) throw new DataError(indexPath, `${i + 1}: expected word, offset and length separated by tabs`);
    const word = parts[0]!;
    if (word.startsWith("00-database") || word.startsWith("00database")) return;
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
    const english = into.english(slash >= 0 ? head.slice(0, slash) : head);
    if (english !== undefined) into.add(english, dict.toString("utf8", nl1 + 1, nl2));
  });
}

export function loadPhrasePairs(dictPath: string, options: PhrasePairOptions = {}): [string, string][] {
  const kind = options.kind ?? "examples";
  const dict = readDict(dictPath);
  const collector = new PairCollector(options.maxLength ?? 30);
  if (kind === "examples") examplePairs(dict, collector);
  else headwordPairs(dictPath, dict, collector);
  const pairs = collector.pairs;
  if (pairs.length === 0) throw new DataError(dictPath, `no usable phrase pairs found (${kind === "examples" ? "example phrases" : "headwords"})`);
  const order = Int32Array.from({ length: pairs.length }, (_, i) => i);
  createRng(options.seed ?? 0).fork("phrase_pairs").shuffle(order);
  const limit = options.limit ?? pairs.length;
  return Array.from(order.subarray(0, Math.min(limit, pairs.length)), (k) => pairs[k]!);
}
