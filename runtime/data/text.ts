// Text as character ids, and the chars / char_pairs examples.
//
// Vocabulary of size V (default 96): 0 pad, 1 start, 2 end, 3 unknown, then up to V − 4 characters.
// `CharVocab.fromText` (or `fromCounts`) builds it from the training text: the V − 4 most frequent
// characters (ties by code point), stored in code-point order so the saved vocabulary reads as a sorted
// string. Without a
// text, `new CharVocab(V)` uses the fixed ALPHABET (newline, space, a–z, A–Z, 0–9, then punctuation by
// rough frequency), as many as fit. "\r\n" and "\r" read as "\n", a tab as a space; any other character
// outside the vocabulary is "unknown". A model must decode with the vocabulary it was trained with, so
// `dlm train --save` stores it in the checkpoint (vocab-checkpoint.ts).
//
// chars(context): tokens = ids[i·T, i·T+T), targets = ids[i·T+1, i·T+T+1), non-overlapping chunks in
// text order (count = ⌊(n − 1)/T⌋). char_pairs: src = ids(source) padded with 0; tgt_in = start + ids(target)
// and tgt_out = ids(target) + end, padded with 0; src_mask / tgt_mask are 1 on real positions (tgt_mask
// over tgt_out, end included) and 0 on padding; a pair that does not fit is skipped (and counted).
// Platform-neutral: reading a text file is text-file.ts (Node).

import { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";

export const PAD = 0;
export const START = 1;
export const END = 2;
export const UNKNOWN = 3;
/** Ids below this are pad, start, end and unknown; characters start here. */
export const RESERVED = 4;

export const ALPHABET =
  "\n abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + `.,;:!?'"-()[]*/&%$#@+=<>_{}|\\^\`~`;

/** "\r\n" and "\r" to "\n", tabs to spaces: the one normalisation of every text source. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\t/g, " ");
}

export class CharVocab {
  readonly size: number;
  /** The characters of ids 4, 5, … in order (at most size − 4). */
  readonly chars: readonly string[];
  private readonly toId = new Map<number, number>();

  constructor(size = 96, chars?: readonly string[]) {
    if (!Number.isInteger(size) || size < RESERVED + 1) throw new DataError("", `chars: vocab must be at least ${RESERVED + 1}, got ${size}`);
    this.size = size;
    this.chars = (chars ?? [...ALPHABET]).slice(0, size - RESERVED);
    this.chars.forEach((c, i) => {
      if (c.length !== 1 || this.toId.has(c.charCodeAt(0))) throw new DataError("", `vocabulary: bad or repeated character ${JSON.stringify(c)}`);
      this.toId.set(c.charCodeAt(0), RESERVED + i);
    });
  }

  /** The vocabulary of a text: its size − 4 most frequent characters (UTF-16 code units), sorted. */
  static fromText(text: string | readonly string[], size = 96): CharVocab {
    const counts = new Map<number, number>();
    for (const t of typeof text === "string" ? [text] : text) {
      const norm = normalizeText(t);
      for (let i = 0; i < norm.length; i++) {
        const c = norm.charCodeAt(i);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    return CharVocab.fromCounts(counts, size);
  }

  /** The vocabulary of counted code units: the size − 4 most frequent (ties by code point), sorted. */
  static fromCounts(counts: ReadonlyMap<number, number>, size = 96): CharVocab {
    const kept = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, Math.max(0, size - RESERVED)).map(([c]) => c);
    kept.sort((a, b) => a - b);
    return new CharVocab(size, kept.map((c) => String.fromCharCode(c)));
  }

  /** Ids actually used: 4 reserved + the characters (≤ size). */
  get used(): number {
    return RESERVED + this.chars.length;
  }

  id(char: string): number {
    return this.toId.get(char.charCodeAt(0)) ?? UNKNOWN;
  }

  /** The id of a UTF-16 code unit (of normalized text). */
  idOfCode(code: number): number {
    return this.toId.get(code) ?? UNKNOWN;
  }

  encode(text: string): Int32Array {
    const norm = normalizeText(text);
    const out = new Int32Array(norm.length);
    for (let i = 0; i < norm.length; i++) out[i] = this.toId.get(norm.charCodeAt(i)) ?? UNKNOWN;
    return out;
  }

  /** Ids back to text; pad, start and end are dropped, unknown becomes "?". */
  decode(ids: ArrayLike<number>, count = ids.length): string {
    let s = "";
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      if (id >= RESERVED && id < this.used) s += this.chars[id - RESERVED]!;
      else if (id === UNKNOWN) s += "?";
    }
    return s;
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
  vocab: Pick<CharVocab, "encode">,
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
  const srcMask = new Float32Array(n * srcLen);
  const tgtMask = new Float32Array(n * tgtLen);
  kept.forEach(([s, t], i) => {
    srcMask.fill(1, i * srcLen, i * srcLen + s.length);
    tgtMask.fill(1, i * tgtLen, i * tgtLen + t.length + 1);
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
    src_mask: { data: srcMask, shape: [srcLen] },
    tgt_mask: { data: tgtMask, shape: [tgtLen] },
  });
  return { dataset, skipped };
}
