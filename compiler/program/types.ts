// What the emitters consume: a compiled program for one `.dlm` file, plain data. Lowering (compiler/lower)
// produces it from the checked program; the passes rewrite its graphs; both emitters (TS and Wasm) turn it
// into code. No target-specific choice is made before this point.
//
// A model class in the generated code owns *state* (parameters, buffers such as BatchNorm running stats,
// optimizer moments) and runs *step graphs* over it. A step graph is an ordinary IR graph whose `param`
// nodes read state tensors by name and whose `input` nodes read the caller's batch or per-step host scalars;
// after the graph has run, each `updates` entry writes a node's value back into a state tensor. Shapes are
// static: every symbolic dim, the batch size included, is bound before lowering.

import type { Span } from "../../grammar/source.js";
import type { Graph, NodeId, ParamInit } from "../ir/graph.js";
import type { DType } from "../ir/shapes.js";

export interface TensorSpec {
  name: string;
  dtype: DType;
  /** Full shape, batch axis included where there is one. */
  shape: number[];
}

export type StateRole =
  /** Trained weights (what `parameters()` returns, what a checkpoint holds). */
  | "param"
  /** Saved with the weights but not trained (BatchNorm running mean/var). */
  | "buffer"
  /** Optimizer moments and counters (saved for resuming; not part of the model). */
  | "optimizer";

export interface StateTensor extends TensorSpec {
  role: StateRole;
  init: ParamInit;
  /** The layer it belongs to, for readable generated code and parameter listings. */
  layer?: string;
  span?: Span;
}

/** Per-step values the host computes and passes as scalar `input` nodes (no allocation: plain numbers). */
export type HostScalar =
  /** Learning rate after the schedule, per minimize: "lr", "lr.1", … */
  | { kind: "lr"; name: string; objective: number }
  /** 1 − β^t for Adam bias correction, per minimize. */
  | { kind: "bias_correction"; name: string; objective: number; beta: number }
  /** The step counter (the graph's input node is an i32 scalar: what the random ops take), drawn anew per
   *  step by dropout, normal() and uniform(); present only when the graph has random ops. */
  | { kind: "step"; name: string };

/** Every step graph a ModelProgram may hold, in the order planners and emitters visit them. */
export const STEP_NAMES = ["predict", "evaluate", "train", "inputGradient", "saliency"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface StepGraph {
  graph: Graph;
  /** After the graph runs: state[state] := value of node. In-place writes are the memory planner's job. */
  updates: Array<{ state: string; node: NodeId }>;
  /** Graph inputs that are host scalars rather than batch fields, by input name. */
  hostScalars: HostScalar[];
  /**
   * Fusion groups (compiler/passes/fuse.ts), set by the pipeline after its last pass: a partition of the
   * nodes the step computes (sources excluded) into kernels, in execution order. Each group's last node
   * is its root, the only member read outside the group. Stale once the graph changes.
   */
  kernels?: Array<{ id: number; nodes: NodeId[]; kind: "elementwise" | "matmul-epilogue" | "conv-epilogue" | "reduction" | "single" }>;
}

export interface OptimizerSpec {
  kind: "sgd" | "adam" | "adamw" | "rmsprop";
  lr: number;
  /** The rest of the resolved configuration (momentum, betas, eps, weight_decay…). */
  config: Record<string, number | boolean>;
}

export interface ScheduleSpec {
  kind: "constant" | "step_decay" | "cosine" | "linear_warmup";
  config: Record<string, number>;
}

export interface ObjectiveSpec {
  /** The models (instance names) whose parameters this minimize updates. */
  over: string[];
  params: string[];
  optimizer: OptimizerSpec;
}

/** A host reduction of evaluate rows over a dataset: runtime `createAggregator(kind, config)`. */
export interface MetricAggregate {
  kind: "ratio" | "detection_map" | "mask_map";
  config: Record<string, number>;
}

export interface TrainingSpec {
  data: string;
  batch: number;
  epochs: number;
  seed: number;
  schedule: ScheduleSpec;
  clip?: number;
  objectives: ObjectiveSpec[];
  /** Names of the metric outputs of `evaluate` (per-example values, averaged by the host). */
  metrics: string[];
  /** Metrics the host reduces otherwise than by the mean of f32[B] values (their evaluate output is a row
   *  per example, f32[B, K]), by name; see runtime/aggregate.ts. */
  aggregates?: Record<string, MetricAggregate>;
  /** early_stop as the checker resolved it: `monitor` is "loss" or a metric name, `mode` its direction. */
  validate?: { every: number; earlyStop?: { patience: number; monitor: string; mode: "min" | "max" } };
  /** `adversarial fgsm(eps, mix)`: the train step trains on x + eps·sign(∂loss/∂x) (mix: weight of the
   *  clean loss; randomStart: the gradient at a random point of the eps-ball), inside the step graph. */
  adversarial?: { method: "fgsm"; eps: number; mix: number; randomStart: boolean };
}

export interface ModelProgram {
  /** Class name in the generated code (sanitized by the emitter). */
  name: string;
  batch: number;
  /** What `predict` takes and returns (batch axis included). */
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** What `trainStep` and `evaluate` take: the data fields they read (batch axis included). */
  fields: TensorSpec[];
  state: StateTensor[];
  /** Eval-mode forward: model inputs → model outputs. In a step-form block: the first bound model (a GAN's
   *  generator), its params read under their train-block names (`g.dense_0.weight`). */
  predict: StepGraph;
  /** Eval-mode forward, loss and metrics as per-example values f32[batch]: outputs "loss" and each metric.
   *  Single-form blocks only (a step block has no single loss). */
  evaluate?: StepGraph;
  /** Train-mode forward, backward and optimizer updates: outputs "loss" (scalar) and the metrics (scalars);
   *  a step block has one loss output per minimize, in order: "loss", "loss.1", … */
  train?: StepGraph;
  /** (Lowered on request: `inputGradients`.) Eval-mode forward and per-example loss as in `evaluate`, then
   *  reverse mode to the f32 fields the model reads: outputs "loss" f32[batch] and "grad.<field>". */
  inputGradient?: StepGraph;
  /** (On request.) Eval-mode forward as in `predict` with an input "cotangent" shaped like the first
   *  output; outputs that output and "grad.<input>" per f32 model input: the vector-Jacobian product
   *  (a one-hot cotangent gives a class score's saliency). */
  saliency?: StepGraph;
  training?: TrainingSpec;
}

export interface CompiledProgram {
  /** The `.dlm` file name, for headers and diagnostics. */
  file: string;
  models: ModelProgram[];
}
