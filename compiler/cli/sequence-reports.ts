// What `dlm train` prints after the test metrics for sequence models, beside the baseline a user judges
// the number by:
//
//   forecaster  one-step-ahead MAE on the test part in the data's own units (standardize undone), and the
//               seasonal-naive forecast's (the value `season` steps before each target; 7 for daily data)
//               on the same targets. Both read only the test windows, so they cover the same days.
//   pairs       greedy decoding (the class's translate()): exact match on the training pairs, and the
//               character F-score (chrF) of the held-out translations beside the copy-the-input baseline.
//
// chrF (Popović 2015): character n-grams for n = 1…6 with whitespace removed, matches clipped by the
// reference counts and summed over the corpus; precision and recall each averaged over the orders that
// occur; F_β with β = 2 (recall weighs more). Reported ×100.

import type { Dataset } from "../../runtime/data/dataset.js";
import type { MeanStd } from "../../runtime/data/series.js";
import { END } from "../../runtime/data/text.js";
import { sequenceKind } from "../emit/ts/model-sequence.js";
import type { ModelProgram } from "../program/types.js";

export const SEASON = 7;

export interface ForecastFigures {
  /** Test examples. */
  count: number;
  mae: number;
  /** Seasonal-naive MAE on the same targets (undefined when the window is shorter than the season). */
  naive?: number;
}

interface Predicting {
  predict(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
}

/**
 * One-step-ahead MAE of a forecaster on a windows() dataset (fields window [W, 1], target [H]), in the
 * original units when `stats` says how the series was standardized; and the seasonal-naive MAE.
 */
export function forecastFigures(model: Predicting, input: string, output: string, test: Dataset, stats: MeanStd | undefined, season = SEASON): ForecastFigures {
  const window = test.field("window");
  const target = test.field("target");
  const w = window.size;
  const h = target.size;
  const pred = model.predict({ [input]: window.data as Float32Array })[output]!;
  const per = pred.length / test.count;
  const scale = stats?.std ?? 1;
  let err = 0;
  let naive = 0;
  let naiveCount = 0;
  let n = 0;
  for (let i = 0; i < test.count; i++) {
    for (let j = 0; j < Math.min(h, per); j++) {
      const y = target.data[i * h + j]!;
      err += Math.abs(pred[i * per + j]! - y);
      n++;
      const back = w + j - season; // the value `season` steps before target j, when the window holds it
      if (back >= 0 && back < w) {
        naive += Math.abs(window.data[i * w + back]! - y);
        naiveCount++;
      }
    }
  }
  const out: ForecastFigures = { count: test.count, mae: (err / n) * scale };
  if (naiveCount === n) out.naive = (naive / n) * scale;
  return out;
}

export function forecastLine(f: ForecastFigures, units: boolean, season = SEASON): string {
  const where = units ? "in the data's units" : "standardized units";
  const base = f.naive === undefined ? "" : `  seasonal-naive (${season} steps back) MAE ${f.naive.toFixed(1)}`;
  return `test, one step ahead (${f.count} targets, ${where}): MAE ${f.mae.toFixed(1)}${base}`;
}

/** The ids of a row up to its end id (excluded), or to the first padding 0. */
export function rowIds(ids: ArrayLike<number>, start: number, length: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const id = ids[start + i]!;
    if (id === END || id === 0) break;
    out.push(id);
  }
  return out;
}

function ngramCounts(text: string, n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= text.length; i++) {
    const g = text.slice(i, i + n);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Corpus chrF (n = 1…6, β = 2, whitespace removed), ×100. */
export function chrF(hypotheses: readonly string[], references: readonly string[], maxN = 6, beta = 2): number {
  const match = new Array<number>(maxN + 1).fill(0);
  const hypTotal = new Array<number>(maxN + 1).fill(0);
  const refTotal = new Array<number>(maxN + 1).fill(0);
  hypotheses.forEach((hyp, k) => {
    const h = hyp.replace(/\s+/g, "");
    const r = (references[k] ?? "").replace(/\s+/g, "");
    for (let n = 1; n <= maxN; n++) {
      const hc = ngramCounts(h, n);
      const rc = ngramCounts(r, n);
      for (const [g, c] of hc) match[n]! += Math.min(c, rc.get(g) ?? 0);
      hypTotal[n]! += Math.max(0, h.length - n + 1);
      refTotal[n]! += Math.max(0, r.length - n + 1);
    }
  });
  let p = 0;
  let rcl = 0;
  let orders = 0;
  for (let n = 1; n <= maxN; n++) {
    if (hypTotal[n] === 0 && refTotal[n] === 0) continue;
    p += hypTotal[n]! > 0 ? match[n]! / hypTotal[n]! : 0;
    rcl += refTotal[n]! > 0 ? match[n]! / refTotal[n]! : 0;
    orders++;
  }
  if (orders === 0) return 0;
  p /= orders;
  rcl /= orders;
  const b2 = beta * beta;
  return p + rcl === 0 ? 0 : (100 * (1 + b2) * p * rcl) / (b2 * p + rcl);
}

interface Translating {
  translate(sources: ArrayLike<number>): Int32Array;
}

export interface PairFigures {
  trainCount: number;
  exactMatch: number;
  testCount?: number;
  chrF?: number;
  copyChrF?: number;
  /** A few held-out examples: source, reference, output. */
  samples: [string, string, string][];
}

/** Greedy decoding of the train and test parts of a char_pairs() dataset (src, tgt_out). */
export function pairFigures(model: Translating, train: Dataset, test: Dataset | undefined, decode: (ids: readonly number[]) => string, sampleCount = 3): PairFigures {
  const run = (d: Dataset) => {
    const src = d.field("src");
    const tgt = d.field("tgt_out");
    const out = model.translate(src.data as Int32Array);
    const t = tgt.size;
    const rows: { src: number[]; ref: number[]; hyp: number[] }[] = [];
    for (let i = 0; i < d.count; i++) rows.push({ src: rowIds(src.data, i * src.size, src.size), ref: rowIds(tgt.data, i * t, t), hyp: rowIds(out, i * t, t) });
    return rows;
  };
  const trainRows = run(train);
  const exact = trainRows.filter((r) => r.hyp.length === r.ref.length && r.hyp.every((x, i) => x === r.ref[i])).length;
  const figures: PairFigures = { trainCount: train.count, exactMatch: exact / train.count, samples: [] };
  if (test && test.count > 0) {
    const rows = run(test);
    const refs = rows.map((r) => decode(r.ref));
    const hyps = rows.map((r) => decode(r.hyp));
    const srcs = rows.map((r) => decode(r.src));
    figures.testCount = test.count;
    figures.chrF = chrF(hyps, refs);
    figures.copyChrF = chrF(srcs, refs);
    for (let i = 0; i < Math.min(sampleCount, rows.length); i++) figures.samples.push([srcs[i]!, refs[i]!, hyps[i]!]);
  }
  return figures;
}

export function pairLines(f: PairFigures): string[] {
  const lines = [`train, greedy decoding: exact match ${(100 * f.exactMatch).toFixed(1)}% of ${f.trainCount} pairs`];
  if (f.chrF !== undefined) lines.push(`test, greedy decoding (${f.testCount} pairs): chrF ${f.chrF.toFixed(1)}  copy-the-input baseline chrF ${f.copyChrF!.toFixed(1)}`);
  for (const [s, r, h] of f.samples) lines.push(`  ${JSON.stringify(s)} → ${JSON.stringify(h)} (reference ${JSON.stringify(r)})`);
  return lines;
}

/** The lines `dlm train` prints after the test metrics for a forecaster or a sequence-pair model (else none). */
export function sequenceReportLines(
  model: unknown,
  program: ModelProgram,
  parts: Readonly<Record<string, Dataset>>,
  info: { vocab?: { decode(ids: ArrayLike<number>): string }; stats: Readonly<Record<string, MeanStd>> },
): string[] {
  const kind = sequenceKind(program);
  if (kind === "forecaster") {
    const test = parts.test;
    if (!test || !test.fields.has("window") || !test.fields.has("target")) return [];
    const stats = info.stats.value;
    const f = forecastFigures(model as Predicting, program.inputs[0]!.name, program.outputs[0]!.name, test, stats);
    return [forecastLine(f, stats !== undefined)];
  }
  if (kind === "pair") {
    const train = parts.train ?? parts.all;
    const vocab = info.vocab;
    if (!train || !vocab || !train.fields.has("src") || !train.fields.has("tgt_out")) return [];
    return pairLines(pairFigures(model as Translating, train, parts.test, (ids) => vocab.decode(ids)));
  }
  return [];
}
