// Builds the runtime datasets a `data` declaration describes, for `dlm train`: the source, then each
// transform in order, ending in named parts (train / validation / test). Text and pairs live in
// data-text.ts, series and per-field statistics in data-series.ts; this file walks the pipeline.
//
// A pipeline carries one of four kinds of stream, as the checker says (catalogue/data-sources.ts):
// examples (parts of Datasets), a series (numbers), a character stream (text) or text pairs. Besides the
// parts, loading reports what training needs to keep: the character vocabulary (saved with the model),
// the n-gram baseline of a character language model, the statistics standardize used.
//
// Data preparation runs once before training, on the host. `map` expressions are evaluated here over whole
// fields (every example at once): reshape changes the per-example shape, and arithmetic with constants
// rescales. That covers what the examples do (`reshape(image, [1, 28, 28])`, `image / 255`); any other
// operation in a `map` is refused with a message naming it, rather than guessed at.

import type { CheckedData, DataStep, ElaboratedGraph, Config } from "../check/types.js";
import { concreteShape } from "../check/dims.js";
import { Dataset, type FieldSpec } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { loadMnist } from "../../runtime/data/mnist.js";
import { loadIdxImages, loadMnistIdxDir, FASHION_MNIST_DIR } from "../../runtime/data/idx.js";
import { loadCsv } from "../../runtime/data/csv.js";
import { createRng } from "../../runtime/rng.js";
import { digitCanvases } from "../../runtime/data/canvases.js";
import { onlyLabel, seriesWindows, type MeanStd } from "../../runtime/data/series.js";
import type { CharVocab } from "../../runtime/data/text.js";
import { charBaseline, charPairsStep, charsStep, fixVocab, loadPairsSource, loadTextSource, type CharBaseline, type CharStream, type PendingVocab } from "./data-text.js";
import { loadSeriesSource, standardizeParts, standardizeSeries, takeParts, trainPrefix } from "./data-series.js";

export type Parts = Record<string, Dataset>;

/** What loading found besides the parts. */
export interface DataInfo {
  /** The character vocabulary chars() or char_pairs() built from the train part: save it with the model. */
  vocab?: CharVocab;
  /** A character language model's n-gram baselines on its own split (unshuffled train/validation). */
  baseline?: CharBaseline;
  /** Statistics standardize used, by field ("value" for a series). */
  stats: Record<string, MeanStd>;
  /** Things a user should hear about (pairs skipped for being too long, …). */
  notes: string[];
}

export interface LoadedData {
  parts: Parts;
  info: DataInfo;
}

type Stream =
  | { kind: "examples"; parts: Parts }
  | { kind: "series"; values: Float32Array }
  | { kind: "chars"; text: string }
  | { kind: "pairs"; pairs: [string, string][] };

export function loadData(data: CheckedData): Parts {
  return loadDataWithInfo(data).parts;
}

export function loadDataWithInfo(data: CheckedData): LoadedData {
  const info: DataInfo = { stats: {}, notes: [] };
  let stream = loadSource(data);
  let charStream: CharStream | undefined;
  let splitConfig: Config | undefined;
  let trainAtSplit: number | undefined;
  // chars()/char_pairs() examples hold raw characters until the train part is known (data-text.ts)
  let pending: PendingVocab | undefined;
  const fixPending = () => {
    if (!pending || stream.kind !== "examples") return;
    const r = fixVocab(pending, stream.parts);
    info.vocab = r.vocab;
    if (r.stream) charStream = r.stream;
    stream = { kind: "examples", parts: r.parts };
    pending = undefined;
  };
  // standardize right before a split waits for it, so that its statistics come from train alone (with
  // other steps in between, their order would change what is standardized: then all the data counts)
  let deferred: Config | undefined;
  data.steps.forEach((step, i) => {
    // take and split only pick examples; any other step may read their values, which must be ids by then
    if (step.op !== "take" && step.op !== "split") fixPending();
    switch (step.op) {
      case "standardize":
        if (stream.kind === "series") {
          const r = standardizeSeries(stream.values, trainPrefix(stream.values.length, data.steps, i + 1));
          stream = { kind: "series", values: r.values };
          info.stats.value = r.stats;
        } else if (stream.kind === "examples" && stream.parts.all && data.steps[i + 1]?.op === "split") {
          deferred = step.config;
        } else stream = { kind: "examples", parts: standardizeInto(examples(stream, step), step.config, info) };
        return;
      case "windows": {
        const values = seriesOf(stream, step);
        stream = { kind: "examples", parts: { all: seriesWindows(values, Number(step.config.size), typeof step.config.horizon === "number" ? step.config.horizon : 1) } };
        return;
      }
      case "chars": {
        if (stream.kind !== "chars") throw wrongKind(step, stream);
        const r = charsStep(stream.text, step.config);
        pending = r.pending;
        stream = { kind: "examples", parts: { all: r.dataset } };
        return;
      }
      case "char_pairs": {
        if (stream.kind !== "pairs") throw wrongKind(step, stream);
        const r = charPairsStep(stream.pairs, step.config);
        pending = r.pending;
        if (r.skipped > 0) info.notes.push(`char_pairs: ${r.skipped} of ${stream.pairs.length} pairs do not fit src_len ${String(step.config.src_len)} / tgt_len ${String(step.config.tgt_len)} and were left out`);
        stream = { kind: "examples", parts: { all: r.dataset } };
        return;
      }
      case "split": {
        splitConfig = step.config;
        let parts = split(examples(stream, step), step.config);
        if (deferred) parts = standardizeInto(parts, deferred, info);
        deferred = undefined;
        stream = { kind: "examples", parts };
        trainAtSplit = parts.train?.count;
        fixPending();
        return;
      }
      default:
        stream = { kind: "examples", parts: applyStep(examples(stream, step), step, info) };
    }
  });
  fixPending();
  if (stream.kind !== "examples") throw new DataError("", `data '${data.name}' ends as ${stream.kind === "series" ? "a series" : stream.kind === "chars" ? "a character stream" : "text pairs"}: add a transform that makes examples`);
  if (charStream) {
    const baseline = charBaseline(charStream, splitConfig, stream.parts, trainAtSplit);
    if (baseline) info.baseline = baseline;
  }
  return { parts: stream.parts, info };
}

function standardizeInto(parts: Parts, config: Config, info: DataInfo): Parts {
  const r = standardizeParts(parts, config);
  Object.assign(info.stats, r.stats);
  return r.parts;
}

function wrongKind(step: DataStep, stream: Stream): DataError {
  return new DataError("", `${step.op}(…) cannot take ${stream.kind === "examples" ? "examples" : stream.kind === "series" ? "a series" : stream.kind === "chars" ? "a character stream" : "text pairs"}`);
}

function examples(stream: Stream, step: DataStep): Parts {
  if (stream.kind !== "examples") throw wrongKind(step, stream);
  return stream.parts;
}

function seriesOf(stream: Stream, step: DataStep): Float32Array {
  if (stream.kind !== "series") throw wrongKind(step, stream);
  return stream.values;
}

function loadSource(data: CheckedData): Stream {
  const { op, config } = data.source;
  switch (op) {
    case "mnist": {
      const m = loadMnist();
      return { kind: "examples", parts: { all: new Dataset({ image: { data: m.images, shape: [28, 28] }, label: { data: m.labels, shape: [] } }) } };
    }
    case "fashion_mnist": {
      const part = (name: "train" | "test") => {
        const s = loadMnistIdxDir(FASHION_MNIST_DIR, name);
        return imageSet(s.images, s.labels, s.shape);
      };
      return { kind: "examples", parts: { train: part("train"), test: part("test") } };
    }
    case "idx": {
      const s = loadIdxImages(String(config.images), String(config.labels));
      return { kind: "examples", parts: { all: imageSet(s.images, s.labels, s.shape) } };
    }
    case "csv":
      return { kind: "examples", parts: { all: csvExamples(config) } };
    case "digit_canvases": {
      const digits = Array.isArray(config.digits) ? (config.digits as number[]) : [1, 1];
      const options = {
        count: Number(config.count),
        size: Number(config.size),
        digits: [digits[0] ?? 1, digits[1] ?? 1] as [number, number],
        grid: typeof config.grid === "number" ? config.grid : null,
        seed: typeof config.seed === "number" ? config.seed : 0,
      };
      return { kind: "examples", parts: { all: digitCanvases(options, loadMnist()) } };
    }
    case "us_births":
    case "csv_series":
      return { kind: "series", values: loadSeriesSource(op, config) };
    case "moby_dick":
    case "text":
      return { kind: "chars", text: loadTextSource(op, config) };
    case "phrase_pairs":
      return { kind: "pairs", pairs: loadPairsSource(config) };
    default:
      throw new DataError("", `the data source ${op}() cannot be loaded by \`dlm train\` yet`);
  }
}

/** csv(file, columns, label): features f32[columns] and the label column as class ids (integers as they are, other text by sorted name). */
function csvExamples(config: Config): Dataset {
  const file = String(config.file);
  const table = loadCsv(file);
  const columns = (Array.isArray(config.columns) ? config.columns : []).map(String);
  const cols = columns.map((c) => table.numbers(c));
  const n = table.rowCount;
  const features = new Float32Array(n * cols.length);
  cols.forEach((col, j) => {
    for (let r = 0; r < n; r++) features[r * cols.length + j] = col[r]!;
  });
  const labelName = String(config.label);
  const texts = table.strings(labelName).map((t) => t.trim());
  let labels: Int32Array;
  if (texts.every((t) => /^[+-]?\d+$/.test(t))) labels = table.integers(labelName);
  else {
    const names = [...new Set(texts)].sort();
    labels = Int32Array.from(texts, (t) => names.indexOf(t));
  }
  return new Dataset({ features: { data: features, shape: [cols.length] }, label: { data: labels, shape: [] } });
}

/** IDX images arrive scaled to [0, 1] by the reader. */
function imageSet(images: Float32Array, labels: Int32Array, shape: readonly number[]): Dataset {
  return new Dataset({ image: { data: images, shape: [...shape] }, label: { data: labels, shape: [] } });
}

function applyStep(parts: Parts, step: DataStep, info: DataInfo): Parts {
  switch (step.op) {
    case "map": {
      const out: Parts = {};
      for (const [name, d] of Object.entries(parts)) out[name] = applyMap(d, step);
      return out;
    }
    case "only": {
      const out: Parts = {};
      for (const [name, d] of Object.entries(parts)) out[name] = onlyLabel(d, Number(step.config.label));
      return out;
    }
    case "take": {
      const r = takeParts(parts, step.config);
      info.notes.push(...r.notes);
      return r.parts;
    }
    default:
      throw new DataError("", `the data transform ${step.op}(…) cannot be run by \`dlm train\` yet`);
  }
}

function split(parts: Parts, config: Config): Parts {
  const all = parts.all;
  if (!all) throw new DataError("", "split: the data is already split");
  const sizes: Record<string, number> = {};
  let rest: string | undefined;
  for (const name of ["train", "validation", "test"]) {
    const v = config[name];
    if (v === "rest") rest = name;
    else if (typeof v === "number") sizes[name] = v;
  }
  if (rest !== undefined) {
    const used = Object.values(sizes).reduce((a, b) => a + b, 0);
    sizes[rest] = all.count - used;
  }
  // Keep the declaration's order so that boundaries are where the file says.
  const ordered: Record<string, number> = {};
  for (const name of ["train", "validation", "test"]) if (sizes[name] !== undefined) ordered[name] = sizes[name]!;
  const shuffle = config.shuffle !== false;
  const seed = typeof config.seed === "number" ? config.seed : 0;
  return all.split(ordered, shuffle ? createRng(seed).fork("split") : null);
}

/** Evaluates a map's graph over whole fields: reshape and arithmetic with constants. */
function applyMap(d: Dataset, step: DataStep): Dataset {
  const graph = step.map as ElaboratedGraph | undefined;
  if (!graph) return d;
  const values = new Map<number, FieldSpec | number>();
  for (const input of graph.inputs) {
    const f = d.fields.get(input.name);
    if (f) values.set(input.id, { data: f.data, shape: f.shape });
  }
  for (const op of graph.ops) {
    const out = op.outputs[0];
    if (!out) continue;
    const args = op.inputs.map((id) => values.get(id));
    if (op.op === "constant" && typeof op.config.value === "number") {
      values.set(out.id, op.config.value);
      continue;
    }
    const shape = concreteShape(out.shape);
    if (!shape) throw new DataError("", `map: the shape of ${op.op}(…) is not known`);
    if (op.op === "reshape" && args[0] && typeof args[0] !== "number") {
      values.set(out.id, { data: args[0].data, shape });
      continue;
    }
    const arith = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b, mul: (a: number, b: number) => a * b, div: (a: number, b: number) => a / b }[op.op as "add"];
    if (arith && args.length === 2) {
      const [a, b] = args;
      const tensor = typeof a === "number" ? b : a;
      if (tensor && typeof tensor !== "number" && (typeof a === "number" || typeof b === "number")) {
        const k = (typeof a === "number" ? a : b) as number;
        const src = tensor.data;
        const data = new Float32Array(src.length);
        for (let i = 0; i < src.length; i++) data[i] = typeof a === "number" ? arith(k, src[i]!) : arith(src[i]!, k);
        values.set(out.id, { data, shape });
        continue;
      }
    }
    throw new DataError("", `map: ${op.op}(…) is not supported in data pipelines yet (reshape and arithmetic with constants are)`);
  }
  const specs: Record<string, FieldSpec> = {};
  for (const [name, f] of d.fields) specs[name] = { data: f.data, shape: f.shape };
  for (const o of graph.outputs) {
    const v = values.get(o.id);
    if (v === undefined || typeof v === "number") throw new DataError("", `map: field '${o.name}' is not a tensor`);
    specs[o.name] = v;
  }
  return new Dataset(specs);
}
