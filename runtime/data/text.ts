// Text as character ids: one fixed vocabulary for training data and generated code alike (a model
// trained on these ids must decode its output the same way), and the chars / char_pairs examples.
//
// Vocabulary of size V (default 96): 0 pad, 1 start, 2 end, 3 unknown, then the characters of ALPHABET
// in order, as many as fit (V − 4): newline, space, a–z, A–Z, 0–9, then punctuation by rough frequency.
// With V = 96 all of them fit except the last 4 punctuation marks. "\r\n" and "\r" read as "\n", a tab
// as a space; any other character outside the table is "unknown".
//
// chars(context): tokens = ids[i·T, i·T+T), targets = ids[i·T+1, i·T+T+1), non-overlapping chunks in
// text order (count = ⌊(n − 1)/T⌋). char_pairs: src = ids(source) padded with 0; tgt_in = start + ids(target)
// and tgt_out = ids(target) + end, padded with 0; a pair that does not fit is skipped (and counted).

import { readFileSync } from "node:fs";
import { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";

export const PAD = 0;
export const START = 1;
export const END = 2;
export const UNKNOWN = 3;
const RESERVED = 4;

export const ALPHABET =
  "\n abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + `.,;:!?'"-()[]*/&%$#@+=<>_{}|\\^\`~`;

export class CharVocab {
  readonly size: number;
  private readonly toId = new Map<number, number>();
  private readonly chars: string[];

  constructor(size = 96) {
    if (!Number.isInteger(size) || size < RESERVED + 1) throw new DataError("", `chars: vocab must be at least ${RESERVED + 1}, got ${size}`);
    this.size = size;
    this.chars = [...ALPHABET].slice(0, size - RESERVED);
    this.chars.forEach((c, i) => this.toId.set(c.charCodeAt(0), RESERVED + i));
  }

  encode(text: string): Int32Array {
    const norm = text.replace(/\r\n?/g, "\n").replace(/\t/g, " ");
    const out = new Int32Array(norm.length);
    for (let i = 0; i < norm.length; i++) out[i] = this.toId.get(norm.charCodeAt(i)) ?? UNKNOWN;
    return out;
  }

  /** Ids back to text; pad, start and end are dropped, unknown becomes "?". */
  decode(ids: ArrayLike<number>, count = ids.length): string {
    let s = "";
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      if (id >= RESERVED && id < this.size) s += this.chars[id - RESERVED]!;
      else if (id === UNKNOWN) s += "?";
    }
    return s;
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new DataError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Language-model examples: tokens i32[context] and targets i32[context] (shifted by one). */
export function charExamples(ids: Int32Array, context: number): Dataset {
  if (!Number.isInteger(context) || context < 1) throw new DataError("", `chars: context must be at least 1, got ${context}`);
  const count = Math.floor((ids.length - 1) / context);
  if (count < 1) throw new DataError("", `chars: ${ids.length} characters are too few for one example of context ${context}`);
  const tokens = new Int32Array(count * context);
  const targets = new Int32Array(count * context);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < context; j++) {
      tokens[i * context + j] = ids[i * context + j]!;
      targets[i * context + j] = ids[i * context + j + 1]!;
    }
  }
  return new Dataset({ tokens: { data: tokens, shape: [context] }, targets: { data: targets, shape: [context] } });
}

/** Sequence-to-sequence examples from (source, target) text pairs. */
export function charPairExamples(
  pairs: readonly (readonly [string, string])[],
  srcLen: number,
  tgtLen: number,
  vocab: CharVocab,
): { dataset: Dataset; skipped: number } {
  const kept: [Int32Array, Int32Array][] = [];
  let skipped = 0;
  for (const [src, tgt] of pairs) {
    const s = vocab.encode(src);
    const t = vocab.encode(tgt);
    if (s.length > srcLen || t.length + 1 > tgtLen) skipped++;
    else kept.push([s, t]);
  }
  if (kept.length === 0) throw new DataError("", `char_pairs: no pair fits src_len ${srcLen} and tgt_len ${tgtLen}`);
  const n = kept.length;
  const srcArr = new Int32Array(n * srcLen);
  const tgtIn = new Int32Array(n * tgtLen);
  const tgtOut = new Int32Array(n * tgtLen);
  kept.forEach(([s, t], i) => {
    srcArr.set(s, i * srcLen);
    tgtIn[i * tgtLen] = START;
    tgtIn.set(t, i * tgtLen + 1);
    tgtOut.set(t, i * tgtLen);
    tgtOut[i * tgtLen + t.length] = END;
  });
  const dataset = new Dataset({
    src: { data: srcArr, shape: [srcLen] },
    tgt_in: { data: tgtIn, shape: [tgtLen] },
    tgt_out: { data: tgtOut, shape: [tgtLen] },
  });
  return { dataset, skipped };
}
