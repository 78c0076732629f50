// The shape of a catalogue entry, and helpers the shape rules share.
//
// An entry declares its arguments (name, kind, default) and a shape rule. The checker resolves the call's
// arguments against the declaration (positional in order, then by name), evaluates configuration args to
// constants and tensor args to typed values, and hands them to the rule. A rule never throws: it reports
// through `err` (pointing at an argument when it names one) and returns undefined when no output type
// can be given, which the checker turns into an `unknown` value that silences follow-on errors.

import type { DiagnosticCode } from "../../../grammar/diagnostics.js";
import { dimConst, dimValue, formatShape, type Dim } from "../dims.js";
import type { Config, ConfigValue, DType, TensorType } from "../types.js";

export type ArgKind =
  /** A tensor value. */
  | "tensor"
  /** A tensor value or a number literal (a scalar constant). */
  | "tensor|number"
  /** A state: a tensor or a tuple of tensors (LSTM's (h, c)). */
  | "state"
  | "int"
  | "float"
  | "bool"
  | "string"
  /** An int or a list of ints (`kernel: 3` or `kernel: [3, 5]`). */
  | "ints"
  /** A list of dim expressions that may use symbols (`[B, 64]`). */
  | "dims"
  /** An int or a float (split parts). */
  | "number"
  /** Only one of `words`. */
  | "enum"
  /** A list of strings (csv columns). */
  | "strings";

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  /** Enum words accepted (for "enum", or as an alternative to a number: `pad: same`). */
  words?: readonly string[];
  /** Absent and no default: required. `null` default: optional with no value. */
  default?: ConfigValue;
  /** Collects all remaining positional args (concat's tensors). */
  variadic?: boolean;
  doc?: string;
}

/** A tensor input with a phrase that describes where it came from, for messages. */
export interface TypedInput extends TensorType {
  /** e.g. "model input 'image' is declared f32[B, 28, 28]" or "the input is f32[B, 100]". */
  desc: string;
}

/** A nested output structure: a tensor, or a tuple of them. */
export type OutType = TensorType | OutType[];

export type ErrFn = (code: DiagnosticCode, message: string, arg?: string) => void;

export interface ParamShape {
  role: string;
  shape: Dim[];
  /** Running statistics and the like: state, not trained, not counted. */
  buffer?: boolean;
}

export interface LayerResult {
  out: OutType;
  params: ParamShape[];
  /** The feature size the weights were sized for (Dense's in, Conv's channels): a shared layer must agree. */
  inSize?: Dim;
  /** Extra resolved config for lowering (resolved padding and the like). */
  config?: Config;
}

export interface StateArg {
  /** The state value's tensors (one for RNN/GRU, two for LSTM), or undefined when the arg is absent. */
  tensors: TensorType[];
  desc: string;
}

export interface LayerSpec {
  kind: "layer";
  name: string;
  summary: string;
  args: readonly ArgSpec[];
  /** Input rank described for messages, e.g. "4 dims [batch, channels, height, width]". */
  apply(cfg: Config, x: TypedInput, tensors: Record<string, TypedInput | StateArg>, err: ErrFn): LayerResult | undefined;
}

export interface FunctionSpec {
  kind: "function" | "loss" | "metric" | "random";
  name: string;
  summary: string;
  args: readonly ArgSpec[];
  /** Metrics: which way is better, the direction `early_stop` monitors by default (every metric entry
   *  says it; a loss, or a `name: expr` metric, is better lower unless early_stop's `mode:` says max). */
  better?: "higher" | "lower";
  /** Tensor args in declaration order (variadic ones flattened); config args resolved. */
  infer(cfg: Config, xs: TypedInput[], err: ErrFn): OutType | undefined;
}

export type CatalogueEntry = LayerSpec | FunctionSpec;

// ---- helpers -----------------------------------------------------------------------------------------

export function fmtType(t: TensorType): string {
  return `${t.dtype}${formatShape(t.shape)}`;
}

export function tensor(dtype: DType, shape: Dim[]): TensorType {
  return { dtype, shape };
}

export function isDim(v: ConfigValue | undefined): v is Dim {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A config int as a Dim (config ints are numbers or symbolic Dims). */
export function cfgDim(cfg: Config, name: string): Dim | undefined {
  const v = cfg[name];
  if (typeof v === "number") return dimConst(v);
  if (isDim(v)) return v;
  return undefined;
}

export function cfgNum(cfg: Config, name: string): number | undefined {
  const v = cfg[name];
  if (typeof v === "number") return v;
  if (isDim(v)) return dimValue(v);
  return undefined;
}

/** `kernel: 3` or `kernel: [3, 5]` as n ints (undefined where symbolic or null). */
export function cfgInts(cfg: Config, name: string, n: number): Array<Dim | undefined> {
  const v = cfg[name];
  const one = (x: ConfigValue | undefined): Dim | undefined => (typeof x === "number" ? dimConst(x) : isDim(x) ? x : undefined);
  if (Array.isArray(v)) return Array.from({ length: n }, (_, i) => one(v[i]));
  return Array.from({ length: n }, () => one(v));
}

export function checkRank(layer: string, x: TypedInput, rank: number, axes: string, err: ErrFn): boolean {
  if (x.shape.length === rank) return true;
  err("DLM2003", `${x.desc} but ${layer} expects ${rank} dims ${axes}`);
  return false;
}

export function checkMinRank(layer: string, x: TypedInput, rank: number, axes: string, err: ErrFn): boolean {
  if (x.shape.length >= rank) return true;
  err("DLM2003", `${x.desc} but ${layer} expects at least ${rank} dims ${axes}`);
  return false;
}

export function checkDtype(layer: string, x: TypedInput, dtype: DType, err: ErrFn): boolean {
  if (x.dtype === dtype) return true;
  const hint = dtype === "f32" && x.dtype === "i32" ? "; integer ids go through Embedding first" : "";
  err("DLM2005", `${x.desc} but ${layer} expects ${dtype === "i32" ? "i32 (integer ids)" : "f32"}${hint}`);
  return false;
}

/** Normalizes a possibly negative axis; reports and returns undefined when out of range. */
export function normAxis(axis: number | undefined, rank: number, what: string, err: ErrFn, arg = "axis"): number | undefined {
  if (axis === undefined) return undefined;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || !Number.isInteger(a)) {
    err("DLM2010", `${what}: axis ${axis} is out of range for a tensor with ${rank} dims`, arg);
    return undefined;
  }
  return a;
}

/** `to snake_case`, for anonymous layer paths: Conv2d → conv2d, ConvTranspose2d → conv_transpose2d. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
