// The text side of `dlm train`'s data: character streams (moby_dick, text files), chars(context, vocab)
// language-model examples, phrase pairs and char_pairs, the vocabulary built from the training text, and
// the n-gram baselines a character language model is measured against.
//
// The vocabulary is built from the whole character stream the pipeline reads (or both sides of every
// pair): the model then never sees an id it has no row for, and `dlm train --save` stores it with the
// weights. The baselines are counted on the same split as the model's examples: the id stream cut where
// the train part's last example ends (unshuffled splits only; a shuffled split has no "by position").

import type { Config } from "../check/types.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { ngramBaselines, type NgramBaseline } from "../../runtime/data/ngram.js";
import { loadMobyDick } from "../../runtime/data/npm-datasets.js";
import { loadPhrasePairs } from "../../runtime/data/phrases.js";
import { CharVocab, charExamples, charPairExamples, readText } from "../../runtime/data/text.js";

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
  });
}

export function charsStep(text: string, config: Config): { dataset: Dataset; vocab: CharVocab; stream: CharStream } {
  const context = Number(config.context);
  const vocab = CharVocab.fromText(text, typeof config.vocab === "number" ? config.vocab : 96);
  const ids = vocab.encode(text);
  return { dataset: charExamples(ids, context), vocab, stream: { ids, context } };
}

export function charPairsStep(pairs: readonly (readonly [string, string])[], config: Config): { dataset: Dataset; vocab: CharVocab; skipped: number } {
  const vocab = CharVocab.fromText(pairs.flatMap(([a, b]) => [a, b]), typeof config.vocab === "number" ? config.vocab : 96);
  const { dataset, skipped } = charPairExamples(pairs, Number(config.src_len), Number(config.tgt_len), vocab);
  return { dataset, vocab, skipped };
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
 * unshuffled with train first and validation right after it.
 */
export function charBaseline(stream: CharStream, split: Config | undefined, parts: Readonly<Record<string, Dataset>>): CharBaseline | undefined {
  const train = parts.train;
  const validation = parts.validation;
  if (!split || split.shuffle !== false || !train || !validation) return undefined;
  if (split.train === undefined || split.validation === undefined) return undefined;
  const T = stream.context;
  const cut = train.count * T;
  const end = (train.count + validation.count) * T + 1;
  if (end > stream.ids.length) throw new DataError("", "chars: the split does not match the character stream");
  const trainIds = stream.ids.subarray(0, cut + 1);
  const validationIds = stream.ids.subarray(cut, end);
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

