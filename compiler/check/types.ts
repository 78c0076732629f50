// The checker's output: CheckedProgram, plain data that lowering to IR walks (no callbacks, no classes).
//
// Two levels. The *summary* of each declaration (model signature, parameter count and per-layer breakdown,
// data schema, train and generate settings) is what `dlm check` prints. The *elaborated* form is a model
// or train block instantiated with concrete model-param values and dim bindings: a flat list of resolved
// operations in dataflow order (`Op`), nested models inlined under a path prefix, `repeat` expanded, and
// every parameter tensor listed once with its PyTorch name and layout.

import type { Program } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import type { Dim } from "./dims.js";

export type DType = "f32" | "i32";

/** A tensor type: dtype and shape (dims may be symbolic). */
export interface TensorType {
  dtype: DType;
  shape: Dim[];
}

/** A resolved configuration value: numbers, bools, strings and enum words (as strings), lists, or a
 * symbolic Dim when an int depends on an unbound symbol; null for a model param with no known value. */
export type ConfigValue = number | boolean | string | null | Dim | ConfigValue[];
export type Config = Record<string, ConfigValue>;

export type ValueId = number;

export interface OpOutput {
  id: ValueId;
  dtype: DType;
  shape: Dim[];
}

/**
 * One resolved operation. `op` is a catalogue entry name (`Dense`, `relu`, `cross_entropy`) or one of the
 * built-ins `constant`, `add`, `sub`, `mul`, `div`, `neg`. Layer ops carry `layer` (the instance path) and
 * `params` (role → full parameter name, e.g. `weight` → `hidden.weight`).
 */
export interface Op {
  id: number;
  op: string;
  layer?: string;
  params?: Record<string, string>;
  inputs: ValueId[];
  /** What each input is, parallel to `inputs`: the catalogue argument name (`x`, `target`, `context`,
   * `initial.0`, `xs.1`); layers name their applied input `x`. */
  inputRoles: string[];
  config: Config;
  outputs: OpOutput[];
  span: Span;
}

/** A parameter tensor: `path.role` (PyTorch naming and layout). */
export interface ParamTensor {
  name: string;
  layer: string;
  role: string;
  shape: Dim[];
  count: Dim;
  /** Running statistics (BatchNorm): state saved with the weights, not trained, not counted. */
  buffer?: boolean;
}

/** One layer instance (a catalogue layer; nested model instances appear as their leaf layers). */
export interface LayerInstance {
  path: string;
  kind: string;
  config: Config;
  /** Trainable tensors, then buffers (flagged). */
  params: ParamTensor[];
  /** Trainable elements only. */
  count: Dim;
  span: Span;
}

export interface NamedValue {
  name: string;
  id: ValueId;
  dtype: DType;
  shape: Dim[];
}

/** A model (or train block) as a concrete dataflow graph. */
export interface ElaboratedGraph {
  /** Dim bindings used (symbol → value). */
  dims: Record<string, Dim>;
  inputs: NamedValue[];
  outputs: NamedValue[];
  /** Every parameter tensor once (shared layers once), buffers flagged. */
  params: ParamTensor[];
  layers: LayerInstance[];
  ops: Op[];
  paramCount: Dim;
}

export interface ElaboratedModel extends ElaboratedGraph {
  model: string;
  args: Config;
}

export interface ModelParamInfo {
  name: string;
  type: "int" | "float" | "bool" | "string";
  default?: ConfigValue;
  span: Span;
}

export interface CheckedModel {
  name: string;
  span: Span;
  params: ModelParamInfo[];
  inputs: Array<{ name: string; dtype: DType; shape: Dim[]; span: Span }>;
  outputs: Array<{ name: string; dtype: DType; shape: Dim[]; span: Span }>;
  /** Concrete when every feature size is known (model params at their defaults), symbolic otherwise. */
  paramCount: Dim;
  layers: LayerInstance[];
  /** The model at its default params with symbolic dims (B, T…): the same graph lowering gets concretely. */
  graph: ElaboratedGraph;
  ok: boolean;
}

// ---- data ----------------------------------------------------------------------------------------

export interface FieldSchema {
  name: string;
  dtype: DType;
  /** Per example (no batch axis). */
  shape: Dim[];
}

/** A data transform in order, with its resolved configuration (map carries its per-example graph). */
export interface DataStep {
  op: string;
  config: Config;
  span: Span;
  /** For `map`: the per-example fields before the step as inputs, the new or replaced fields as outputs. */
  map?: ElaboratedGraph;
}

export interface CheckedData {
  name: string;
  span: Span;
  /** What the pipeline yields: examples with fields, a numeric series, a character stream, text pairs. */
  kind: "examples" | "series" | "chars" | "pairs";
  fields: FieldSchema[];
  /** Split part names (`train`, `validation`, `test`), empty when the data is not split. */
  parts: string[];
  /** Example count when the source fixes it (before splitting). */
  count?: number;
  source: { op: string; config: Config; span: Span };
  steps: DataStep[];
  ok: boolean;
}

// ---- train ---------------------------------------------------------------------------------------

export interface CallConfig {
  name: string;
  config: Config;
  span: Span;
}

export interface Objective {
  /** The loss value in the train graph (a scalar f32). */
  loss: ValueId;
  /** The model instances named after `over` (a single-model train block names the model). */
  over: string[];
  /** Parameter tensors this minimize updates (those of the `over` models). */
  params: string[];
  optimizer: CallConfig;
  span: Span;
}

export interface ModelBinding {
  /** Instance name (`g`), or the model name for a single-model train block. */
  name: string;
  model: string;
  args: Config;
  /** Prefix of its parameter names: "" for a single-model block, `g.` for `g = Generator`. */
  prefix: string;
}

export interface CheckedTrain {
  span: Span;
  model: string;
  data: string;
  form: "single" | "step";
  models: ModelBinding[];
  /** B from `batch`, others by unifying model input shapes with data field shapes. */
  dims: Record<string, Dim>;
  /** Model input → data field it reads (single form). */
  inputFields: Record<string, string>;
  loss?: ValueId;
  objectives: Objective[];
  /** `better`: the catalogue direction of a metric call (accuracy higher), lower for `name: expr`. */
  metrics: Array<{ name: string; value: ValueId; span: Span; better: "higher" | "lower" }>;
  schedule: CallConfig;
  batch: number;
  epochs: number;
  seed?: number;
  clip?: number;
  /** `monitor`: "loss" or a metric's name (a `val_` prefix dropped); `mode`: max when higher is better. */
  validate?: { every: number; earlyStop?: EarlyStop };
  /** `adversarial fgsm(…)` (single form; the model has an f32 input to perturb). */
  adversarial?: { method: "fgsm"; eps: number; mix: number; randomStart: boolean };
  /** The whole step as one graph: data fields as inputs, models inlined, losses and metrics; its
   * outputs are the model's outputs (single form). */
  graph: ElaboratedGraph;
  ok: boolean;
}

export interface EarlyStop {
  patience: number;
  monitor: string;
  mode: "min" | "max";
}

export interface CheckedGenerate {
  span: Span;
  model: string;
  args: Config;
  prompt: string;
  steps: number;
  temperature: number;
  /** 0 = no top-k filtering. */
  topK: number;
  vocab?: Dim;
  ok: boolean;
}

export interface CheckedProgram {
  /** The AST the checker saw; `elaborate` walks it again with concrete values. */
  ast: Program;
  models: CheckedModel[];
  data: CheckedData[];
  trains: CheckedTrain[];
  generates: CheckedGenerate[];
}
