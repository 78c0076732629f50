// The text side of `dlm train`'s data: character streams (moby_dick, text files), chars(context, vocab)
// language-model examples, phrase pairs and char_pairs, the vocabulary built from the training part, and
// the n-gram baselines a character language model is measured against.
//
// The vocabulary comes from the characters the training examples hold, so that the validation and test
// parts' characters and frequencies do not shape it (a character only they have is "unknown", id 3). It
// cannot be built when chars()/char_pairs() run, before the split that makes the train part, so those
// steps make examples of raw characters (code unit + 4, ids 0–3 keep their meaning) with a PendingVocab;
// data.ts fixes the vocabulary once the split is known (or before a step that reads the values, or at
// the end when there is no split) and fixVocab rewrites every part's character fields as ids.
// `dlm train --save` stores that vocabulary with the weights.
//
// The baselines are counted on the same split as the model's examples, over the same ids (a character
// unknown to the vocabulary is the one symbol "unknown" for both): the id stream cut where the train part's
// examples end (unshuffled splits only; a shuffled split has no "by position").

import type { Config } from "../check/types.js";
import { Dataset, type FieldSpec } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { ngramBaselines, type NgramBaseline } from "../../runtime/data/ngram.js";
import { loadMobyDick } from "../../runtime/data/npm-datasets.js";
import { loadPhrasePairs } from "../../runtime/data/phrases.js";
import { CharVocab, RESERVED, charExamples, charPairExamples, normalizeText } from "../../runtime/data/text.js";
import { readText } from "../../runtime/data/text-file.js";

/** What a character language model's data keeps for the baselines: the ids and the example length. */
export interface CharStream {
  readonly ids: Int32Array;
  readonly context: number;
}

export function loadTextSource(op: "moby_dick" | "text", config: Config): string {
  return op === "moby_dick" ? loadMobyDick() : readText(String(config.file));
}

export function loadPairsSource(config: Config): [string, string][] {
  return loadPhrasePairs(String(config.file), {
    limit: typeof config.limit === "number" ? config.limit : null,
    seed: typeof config.seed === "number" ? config.seed : 0,
    kind: config.kind === "headwords" ? "headwords" : "examples",
    maxLength: typeof config.max_length === "number" ? config.max_length : 30,
  });
}

/** Character examples waiting for the vocabulary of their train part. */
export interface PendingVocab {
  readonly size: number;
  /** The i32 fields holding raw characters (code unit + 4). */
  readonly fields: readonly string[];
  /** For chars(): the normalized text (its ids feed the baselines) and the example length. */
  readonly chars?: { readonly text: string; readonly context: number };
}

/** Normalized text as code unit + 4: the characters before the vocabulary exists. */
export function rawCodes(text: string): Int32Array {
  const norm = normalizeText(text);
  const out = new Int32Array(norm.length);
  for (let i = 0; i < norm.length; i++) out[i] = norm.charCodeAt(i) + RESERVED;
  return out;
}

/** The field that numbers chars() examples until the vocabulary is fixed (not a name a file can write). */
const CHUNK = "#chunk";

const vocabSize = (config: Config) => (typeof config.vocab === "number" ? config.vocab : 96);

/** A bad size is said when the step runs, as before the vocabulary was deferred. */
function checkVocabSize(config: Config): void {
  new CharVocab(vocabSize(config), []);
}

export function charsStep(text: string, config: Config): { dataset: Dataset; pending: PendingVocab } {
  const context = Number(config.context);
  checkVocabSize(config);
  const norm = normalizeText(text);
  const examples = charExamples(rawCodes(norm), context);
  // which chunk of the text each example is, so that the vocabulary can count the text the train part covers
  const specs: Record<string, FieldSpec> = { [CHUNK]: { data: Int32Array.from({ length: examples.count }, (_, i) => i), shape: [] } };
  for (const [name, f] of examples.fields) specs[name] = f;
  return { dataset: new Dataset(specs), pending: { size: vocabSize(config), fields: ["tokens", "targets"], chars: { text: norm, context } } };
}

export function charPairsStep(pairs: readonly (readonly [string, string])[], config: Config): { dataset: Dataset; pending: PendingVocab; skipped: number } {
  checkVocabSize(config);
  const { dataset, skipped } = charPairExamples(pairs, Number(config.src_len), Number(config.tgt_len), { encode: rawCodes });
  return { dataset, pending: { size: vocabSize(config), fields: ["src", "tgt_in", "tgt_out"] }, skipped };
}

/**
 * The vocabulary of the train part (the unsplit data when there is none), and every part with its raw
 * characters replaced by ids. chars() counts each text position the train examples cover once (their
 * tokens and targets); a pair counts its source and target characters.
 */
export function fixVocab(pending: PendingVocab, parts: Readonly<Record<string, Dataset>>): { parts: Record<string, Dataset>; vocab: CharVocab; stream?: CharStream } {
  const sources = parts.train ? [parts.train] : parts.all ? [parts.all] : Object.values(parts);
  const counts = new Map<number, number>();
  const count = (x: number) => {
    if (x >= RESERVED) counts.set(x - RESERVED, (counts.get(x - RESERVED) ?? 0) + 1);
  };
  if (pending.chars) {
    const { text, context: T } = pending.chars;
    const covered = new Uint8Array(text.length);
    for (const d of sources) for (const i of d.field(CHUNK).data) covered.fill(1, i * T, i * T + T + 1);
    for (let p = 0; p < text.length; p++) if (covered[p]) count(text.charCodeAt(p) + RESERVED);
  } else {
    for (const d of sources) for (const name of ["src", "tgt_out"]) for (const x of d.field(name).data) count(x);
  }
  const vocab = CharVocab.fromCounts(counts, pending.size);
  const lut = new Int32Array(0x10000 + RESERVED);
  for (let x = 0; x < lut.length; x++) lut[x] = x < RESERVED ? x : vocab.idOfCode(x - RESERVED);
  const out: Record<string, Dataset> = {};
  for (const [name, d] of Object.entries(parts)) {
    const specs: Record<string, FieldSpec> = {};
    for (const [fname, f] of d.fields) {
      if (fname === CHUNK) continue;
      if (!pending.fields.includes(fname)) specs[fname] = f;
      else specs[fname] = { data: Int32Array.from(f.data, (x) => lut[x]!), shape: f.shape };
    }
    out[name] = new Dataset(specs);
  }
  const c = pending.chars;
  return c ? { parts: out, vocab, stream: { ids: vocab.encode(c.text), context: c.context } } : { parts: out, vocab };
}

export const BASELINE_ORDERS = [3, 4] as const;
export const BASELINE_K = 0.1;

export interface CharBaseline {
  readonly orders: NgramBaseline[];
  readonly k: number;
  readonly trainChars: number;
  readonly validationChars: number;
}

/**
 * The n-gram baselines on the model's own split: train = the ids the train examples cover, validation =
 * the ids of the validation examples (with their last target). Undefined unless the split is
 * unshuffled with train first and validation right after it. `trainAtSplit` is the train part's size
 * as the split made it (where validation starts), when a take(train: n) has shortened it since.
 */
export function charBaseline(stream: CharStream, split: Config | undefined, parts: Readonly<Record<string, Dataset>>, trainAtSplit?: number): CharBaseline | undefined {
  const train = parts.train;
  const validation = parts.validation;
  if (!split || split.shuffle !== false || !train || !validation) return undefined;
  if (split.train === undefined || split.validation === undefined) return undefined;
  const T = stream.context;
  const start = (trainAtSplit ?? train.count) * T;
  const end = start + validation.count * T + 1;
  if (end > stream.ids.length || train.count * T > start) {
    throw new DataError("", "chars: the split does not match the character stream");
  }
  const trainIds = stream.ids.subarray(0, train.count * T + 1);
  const validationIds = stream.ids.subarray(start, end);
  return {
    orders: ngramBaselines(trainIds, validationIds, BASELINE_ORDERS, { k: BASELINE_K }),
    k: BASELINE_K,
    trainChars: trainIds.length,
    validationChars: validationIds.length,
  };
}

export function formatBaseline(b: CharBaseline): string {
  const orders = b.orders.map((o) => `${o.order}-gram ${o.bitsPerChar.toFixed(3)}`).join(", ");
  return `baseline: ${orders} bits/char (add-${b.k} n-grams counted on the train part, scored on validation)`;
}

