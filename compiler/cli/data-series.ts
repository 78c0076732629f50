// The numeric-series side of `dlm train`'s data: series sources (us_births, csv_series), standardize
// and take.
//
// standardize on a series takes its statistics from the values the training part will see: when a
// later split is unshuffled, the series is cut where the train part's last window (and its targets)
// ends, so the test days never inform the scaling; otherwise the whole series is used. On examples,
// standardize after a split uses the train part's statistics; right before a split, data.ts defers it until
// the split has made a train part.

import type { Config, DataStep } from "../check/types.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { loadCsv } from "../../runtime/data/csv.js";
import { DataError } from "../../runtime/data/errors.js";
import { loadUsBirths } from "../../runtime/data/npm-datasets.js";
import { meanStd, standardizeFields, type MeanStd } from "../../runtime/data/series.js";

export function loadSeriesSource(op: "us_births" | "csv_series", config: Config): Float32Array {
  if (op === "us_births") return loadUsBirths();
  return loadCsv(String(config.file)).numbers(String(config.column));
}

/**
 * How many leading series values feed the train part, when the pipeline after `from` windows the
 * series and splits it in order; undefined when that cannot be known (then all values count).
 */
export function trainPrefix(length: number, steps: readonly DataStep[], from: number): number | undefined {
  let size = 0;
  let horizon = 0;
  for (let i = from; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.op === "windows") {
      size = Number(s.config.size);
      horizon = typeof s.config.horizon === "number" ? s.config.horizon : 1;
    } else if (s.op === "split") {
      if (size === 0 || s.config.shuffle !== false) return undefined;
      const count = length - size - horizon + 1;
      const train = splitTrainCount(count, s.config);
      return train === undefined ? undefined : Math.min(length, train + size + horizon - 1);
    }
  }
  return undefined;
}

/** The train part's size as Dataset.split will make it (train always comes first). */
function splitTrainCount(count: number, config: Config): number | undefined {
  const parts = ["train", "validation", "test"].filter((p) => config[p] !== undefined);
  const t = config.train;
  if (t === "rest") {
    const used = parts.reduce((sum, p) => sum + (typeof config[p] === "number" ? (config[p] as number) : 0), 0);
    return count - used;
  }
  if (typeof t !== "number") return undefined;
  const nums = parts.map((p) => config[p]).filter((v): v is number => typeof v === "number");
  const fractions = nums.some((v) => !Number.isInteger(v)) || (nums.length === 1 && t === 1);
  return fractions ? Math.round(t * count) : t;
}

export function standardizeSeries(values: Float32Array, prefix: number | undefined): { values: Float32Array; stats: MeanStd } {
  const stats = meanStd(values, 0, prefix ?? values.length);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - stats.mean) / stats.std;
  return { values: out, stats };
}

/** The f32 fields standardize(fields: …) names, or every f32 field when it names none. */
export function standardizeParts(parts: Readonly<Record<string, Dataset>>, config: Config): { parts: Record<string, Dataset>; stats: Record<string, MeanStd> } {
  const source = parts.train ?? parts.all;
  if (!source) throw new DataError("", "standardize: no train part to take statistics from");
  const names = Array.isArray(config.fields) ? (config.fields as string[]) : [...source.fields.values()].filter((f) => f.data instanceof Float32Array).map((f) => f.name);
  const stats: Record<string, MeanStd> = {};
  for (const name of names) stats[name] = meanStd(source.field(name).data);
  const out: Record<string, Dataset> = {};
  for (const [name, d] of Object.entries(parts)) out[name] = standardizeFields(d, stats);
  return { parts: out, stats };
}

/**
 * take(n) / take(train: n, …): the first examples of the parts named (or of every part). take(n) asks
 * the same of every part, so a part with fewer is kept whole, said in a note (a count asked of one
 * named part must be there).
 */
export function takeParts(parts: Readonly<Record<string, Dataset>>, config: Config): { parts: Record<string, Dataset>; notes: string[] } {
  const out: Record<string, Dataset> = {};
  const notes: string[] = [];
  for (const [name, d] of Object.entries(parts)) {
    const named = typeof config[name] === "number";
    let n = named ? (config[name] as number) : typeof config.count === "number" ? config.count : undefined;
    if (!named && n !== undefined && n > d.count) {
      notes.push(`take(${n}): ${name === "all" ? "the data has" : `${name} has`} ${d.count} example${d.count === 1 ? "" : "s"}, kept all`);
      n = d.count;
    }
    if (n === undefined) out[name] = d;
    else if (n > d.count) throw new DataError("", `take: ${n} examples asked of ${name === "all" ? "the data" : `the ${name} part`}, which has ${d.count}`);
    else out[name] = d.subset(Int32Array.from({ length: n }, (_, i) => i));
  }
  for (const name of ["train", "validation", "test"]) {
    if (typeof config[name] === "number" && !parts[name]) throw new DataError("", `take: the data has no ${name} part`);
  }
  return { parts: out, notes };
}
