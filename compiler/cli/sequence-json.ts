// The sequence figures of `dlm train --json`: what the text output prints after the test metrics for a
// sequence model (sequence-reports.ts), as typed fields of the result's "sequence" object, so that a
// script reads numbers instead of parsing lines:
//
//   forecaster      { kind, count, mae, seasonalNaive, season, units }   (test part, one step ahead)
//   pair            { kind, trainCount, exactMatch, testCount, chrF, copyChrF, samples }
//   language-model  { kind, bitsPerChar, ngram: { "3": …, "4": … }, k, trainChars, validationChars }
//
// Figures that cannot be computed are null (no test part, a window shorter than the season, no n-gram
// baseline because the split is shuffled); exactMatch is a fraction, chrF ×100 as printed. A language
// model's bitsPerChar is its `bits_per_char` metric on the validation part (null when the train block has
// no metric of that name).

import type { Dataset } from "../../runtime/data/dataset.js";
import { sequenceKind } from "../emit/ts/model-sequence.js";
import type { ModelProgram } from "../program/types.js";
import type { DataInfo } from "./data.js";
import { forecastFigures, pairFigures, SEASON } from "./sequence-reports.js";

type Metrics = Record<string, number>;

export interface ForecasterJson {
  kind: "forecaster";
  /** Test targets (windows). */
  count: number;
  mae: number;
  seasonalNaive: number | null;
  season: number;
  /** "data" when standardize was undone, else the figures are in standardized units. */
  units: "data" | "standardized";
}

export interface PairJson {
  kind: "pair";
  trainCount: number;
  /** Fraction of the training pairs decoded exactly (greedy). */
  exactMatch: number;
  testCount: number | null;
  chrF: number | null;
  copyChrF: number | null;
  samples: { source: string; reference: string; output: string }[];
}

export interface LanguageModelJson {
  kind: "language-model";
  bitsPerChar: number | null;
  /** The add-k n-gram baselines by order, on the same split; null without one (a shuffled split). */
  ngram: Record<string, number> | null;
  k: number | null;
  trainChars: number | null;
  validationChars: number | null;
}

export type SequenceJson = ForecasterJson | PairJson | LanguageModelJson;

interface Evaluating {
  evaluate?: (data: Dataset) => Metrics;
}

/**
 * The figures for the result's "sequence" field, or undefined for a model that is no sequence model
 * (or whose data lacks what the figures read). `validation` is the validation metrics when training
 * has them already (they are computed here otherwise).
 */
export function sequenceJson(model: unknown, program: ModelProgram, parts: Readonly<Record<string, Dataset>>, info: DataInfo, validation?: Metrics): SequenceJson | undefined {
  const kind = sequenceKind(program);
  if (kind === "forecaster") {
    const test = parts.test;
    if (!test || !test.fields.has("window") || !test.fields.has("target")) return undefined;
    const stats = info.stats.value;
    const f = forecastFigures(model as Parameters<typeof forecastFigures>[0], program.inputs[0]!.name, program.outputs[0]!.name, test, stats, SEASON);
    return { kind, count: f.count, mae: f.mae, seasonalNaive: f.naive ?? null, season: SEASON, units: stats ? "data" : "standardized" };
  }
  if (kind === "pair") {
    const train = parts.train ?? parts.all;
    const vocab = info.vocab;
    if (!train || !vocab || !train.fields.has("src") || !train.fields.has("tgt_out")) return undefined;
    const f = pairFigures(model as Parameters<typeof pairFigures>[0], train, parts.test, (ids) => vocab.decode(ids));
    return {
      kind,
      trainCount: f.trainCount,
      exactMatch: f.exactMatch,
      testCount: f.testCount ?? null,
      chrF: f.chrF ?? null,
      copyChrF: f.copyChrF ?? null,
      samples: f.samples.map(([source, reference, output]) => ({ source, reference, output })),
    };
  }
  if (kind === "language-model") {
    if (!info.vocab) return undefined;
    const evaluate = (model as Evaluating).evaluate;
    const held = validation ?? (parts.validation && evaluate ? evaluate.call(model, parts.validation) : undefined);
    const b = info.baseline;
    return {
      kind,
      bitsPerChar: held?.bits_per_char ?? null,
      ngram: b ? Object.fromEntries(b.orders.map((o) => [String(o.order), o.bitsPerChar])) : null,
      k: b?.k ?? null,
      trainChars: b?.trainChars ?? null,
      validationChars: b?.validationChars ?? null,
    };
  }
  return undefined;
}
