// Series and field statistics: sliding windows over a series, mean/std, standardization, label filters.
//
// windows(size, horizon) turns a series v into examples
//   window f32[size, 1] = v[i .. i+size)   and   target f32[horizon] = v[i+size .. i+size+horizon)
// for every i (stride 1), in order: count = length − size − horizon + 1.
// Statistics are float64 sums; std is the population standard deviation (÷ n), floored at 1e-12 so a
// constant field does not divide by zero.

import { Dataset } from "./dataset.js";
import type { FieldSpec } from "./dataset.js";
import { DataError } from "./errors.js";

export function seriesWindows(values: Float32Array, size: number, horizon = 1): Dataset {
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(horizon) || horizon < 1) {
    throw new DataError("", `windows: size and horizon must be positive integers, got ${size} and ${horizon}`);
  }
  const count = values.length - size - horizon + 1;
  if (count < 1) throw new DataError("", `windows: a series of ${values.length} values is too short for windows of ${size} + ${horizon}`);
  const window = new Float32Array(count * size);
  const target = new Float32Array(count * horizon);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < size; j++) window[i * size + j] = values[i + j]!;
    for (let j = 0; j < horizon; j++) target[i * horizon + j] = values[i + size + j]!;
  }
  return new Dataset({ window: { data: window, shape: [size, 1] }, target: { data: target, shape: [horizon] } });
}

export interface MeanStd {
  readonly mean: number;
  readonly std: number;
}

/** Mean and population standard deviation of values[start, end). */
export function meanStd(values: ArrayLike<number>, start = 0, end = values.length): MeanStd {
  const n = end - start;
  if (n < 1) throw new DataError("", "standardize: no values to take statistics from");
  let s = 0;
  for (let i = start; i < end; i++) s += values[i]!;
  const mean = s / n;
  let v = 0;
  for (let i = start; i < end; i++) v += (values[i]! - mean) ** 2;
  return { mean, std: Math.max(Math.sqrt(v / n), 1e-12) };
}

/** (v − mean) / std into a new array. */
export function standardizeValues(values: Float32Array, stats: MeanStd): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - stats.mean) / stats.std;
  return out;
}

/** Copies `d` with the named f32 fields standardized by the given statistics (per field, over all elements). */
export function standardizeFields(d: Dataset, stats: Readonly<Record<string, MeanStd>>): Dataset {
  const specs: Record<string, FieldSpec> = {};
  for (const [name, f] of d.fields) {
    const s = stats[name];
    if (s !== undefined && !(f.data instanceof Float32Array)) throw new DataError("", `standardize: field ${JSON.stringify(name)} is i32, not f32`);
    specs[name] = s === undefined ? f : { data: standardizeValues(f.data as Float32Array, s), shape: f.shape };
  }
  for (const name of Object.keys(stats)) d.field(name); // unknown names are an error
  return new Dataset(specs);
}

/** The examples whose scalar i32 `label` field equals k (in order). */
export function onlyLabel(d: Dataset, k: number, field = "label"): Dataset {
  const f = d.field(field);
  if (!(f.data instanceof Int32Array) || f.size !== 1) throw new DataError("", `only: field ${JSON.stringify(field)} must be a scalar i32 label`);
  const keep: number[] = [];
  for (let i = 0; i < d.count; i++) if (f.data[i] === k) keep.push(i);
  return d.subset(Int32Array.from(keep));
}
