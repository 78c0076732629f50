// lowerProgram: CheckedProgram → CompiledProgram, one ModelProgram per train block (what emitters consume).
//
// For a train block, with every dim bound (B = the batch, or `options.batch`):
//   predict   eval-mode forward of the trained model (the first bound model in step form): model inputs →
//             model outputs, from the checker's `elaborate` at the block's dims;
//   evaluate  (single form) eval-mode forward of the step with the loss and each metric per example,
//             f32[batch] (see losses.ts), so the host averages over the real examples of a padded batch;
//   train     train-mode forward, backward and optimizer updates (train-step.ts); outputs "loss" (and
//             "loss.1", … for further objectives) and the metrics, all scalars, but for set-level ones
//             (detection_map, mask_map: evaluate only);
//   state     parameters (role "param", the checker's PyTorch names), buffers (BatchNorm running stats)
//             and optimizer moments `<param>.adam_m|adam_v|momentum|rms` (role "optimizer", zeros).
// Blocks the checker rejected are skipped (it has reported why); anything lowering cannot do yet is a
// DLM4xxx diagnostic and that block's program is left out.

import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import { Builder } from "../ir/builder.js";
import { emptyGraph, type Graph } from "../ir/graph.js";
import { elaborate, elaborateTrain } from "../check/index.js";
import type { Dim } from "../check/dims.js";
import type { CheckedProgram, CheckedTrain, ConfigValue, ElaboratedGraph } from "../check/types.js";
import type { CompiledProgram, HostScalar, MetricAggregate, ModelProgram, ObjectiveSpec, OptimizerSpec, ScheduleSpec, StateTensor, StepGraph, TensorSpec } from "../program/types.js";
import { attachGenerations } from "../program/generation.js";
import { makeDim } from "./context.js";
import { bindings, lowerGraph } from "./graph.js";
import { initFor } from "./init.js";
import { metricAggregate } from "./metrics.js";
import { momentsOf } from "./optimizer.js";
import { firstOwners, lowerTrainStep, momentName } from "./train-step.js";
import { lowerInputGradient, lowerSaliency } from "./input-gradient.js";

export interface LowerProgramOptions {
  /** Build every graph for this batch size instead of the block's `batch` (tests, a last partial batch). */
  batch?: number;
  /** Also lower the `inputGradient` and `saliency` steps (input-gradient.ts): saliency maps, attacks. */
  inputGradients?: boolean;
}

export interface LowerProgramResult {
  program: CompiledProgram;
  diagnostics: Diagnostic[];
}

export function lowerProgram(checked: CheckedProgram, file: string, options: LowerProgramOptions = {}): LowerProgramResult {
  const diagnostics: Diagnostic[] = [];
  const models: ModelProgram[] = [];
  checked.trains.forEach((t, i) => {
    if (!t.ok) return;
    let train: CheckedTrain = t;
    if (options.batch !== undefined && options.batch !== t.batch) {
      const again = elaborateTrain(checked, i, { batch: options.batch });
      diagnostics.push(...again.diagnostics);
      if (!again.train || !again.train.ok) return;
      train = again.train;
    }
    try {
      const m = lowerTrain(checked, train, diagnostics, options);
      if (m) models.push(m);
    } catch (e) {
      // Rules report what they cannot do; reaching here is a lowering bug, still never a crash.
      diagnostics.push(diagnostic("DLM4011", `internal error while lowering train ${train.model}: ${e instanceof Error ? e.message : String(e)}`, train.span));
    }
  });
  attachGenerations(models, checked.generates);
  return { program: { file, models }, diagnostics };
}

function lowerTrain(checked: CheckedProgram, train: CheckedTrain, diagnostics: Diagnostic[], options: LowerProgramOptions = {}): ModelProgram | undefined {
  const before = diagnostics.length;
  const dim = makeDim(bindings(train.graph, train.dims));
  const concrete = (shape: Dim[]) => shape.map((d) => dim(d, "a dim"));
  let objectives: ObjectiveSpec[];
  let fields: TensorSpec[];
  try {
    objectives = train.objectives.map((o) => ({ over: o.over, params: o.params, optimizer: optimizerSpec(o.optimizer.name, o.optimizer.config) }));
    fields = train.graph.inputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: concrete(v.shape) }));
  } catch (e) {
    diagnostics.push(diagnostic("DLM4012", (e as Error).message, train.span));
    return undefined;
  }
  const predict = lowerPredict(checked, train, diagnostics);
  if (!predict) return undefined;
  const state = stateOf(train, objectives, dim);
  const trainStep = lowerTrainStep(train, objectives);
  diagnostics.push(...trainStep.diagnostics);
  const evaluated = train.form === "single" ? lowerEvaluate(train, diagnostics) : undefined;
  const evaluate = evaluated?.step;
  const inputGradient = options.inputGradients ? lowerInputGradient(train, diagnostics) : undefined;
  const saliency = options.inputGradients ? lowerSaliency(predict, train, diagnostics) : undefined;
  if (diagnostics.length > before || !trainStep.step) return undefined;
  const specOf = (g: Graph, list: Graph["inputs"]): TensorSpec[] =>
    list.map((x) => ({ name: x.name, dtype: g.nodes[x.node]!.dtype, shape: [...g.nodes[x.node]!.shape] }));
  const program: ModelProgram = {
    name: train.model,
    batch: train.batch,
    inputs: specOf(predict.graph, predict.graph.inputs.filter((x) => !predict.hostScalars.some((h) => h.name === x.name))),
    outputs: specOf(predict.graph, predict.graph.outputs),
    fields,
    state,
    predict,
    train: trainStep.step,
    training: {
      data: train.data,
      batch: train.batch,
      epochs: train.epochs,
      seed: train.seed ?? 0,
      schedule: scheduleSpec(train.schedule.name, train.schedule.config),
      objectives,
      metrics: train.metrics.map((m) => m.name),
    },
  };
  if (evaluate) program.evaluate = evaluate;
  if (evaluated && Object.keys(evaluated.aggregates).length > 0) program.training!.aggregates = evaluated.aggregates;
  if (inputGradient) program.inputGradient = inputGradient;
  if (saliency) program.saliency = saliency;
  if (train.adversarial) program.training!.adversarial = train.adversarial;
  if (train.clip !== undefined) program.training!.clip = train.clip;
  if (train.validate) program.training!.validate = train.validate;
  return program;
}

/** Eval-mode forward of the (first) model at the block's dims, param names as in the train graph. */
function lowerPredict(checked: CheckedProgram, train: CheckedTrain, diagnostics: Diagnostic[]): StepGraph | undefined {
  const binding = train.models[0];
  if (!binding) {
    diagnostics.push(diagnostic("DLM4013", `train ${train.model}: no model to lower`, train.span));
    return undefined;
  }
  const dims: Record<string, number | Dim> = { ...train.dims, B: train.batch };
  const el = elaborate(checked, binding.model, binding.args as Record<string, ConfigValue>, dims);
  if (!el.model) {
    diagnostics.push(...el.diagnostics);
    return undefined;
  }
  const b = new Builder(emptyGraph());
  const trainParams = new Map(train.graph.params.map((p) => [p.name, p]));
  const res = lowerGraph(el.model, "eval", b, {
    seed: train.seed ?? 0,
    param: (t, shape) => {
      const name = binding.prefix + t.name;
      const layer = el.model!.layers.find((l) => l.path === t.layer);
      const shapes = Object.fromEntries((layer?.params ?? [t]).map((p) => [p.role, p === t ? shape : concreteOr(p.shape, el.model!, dims)]));
      if (!trainParams.has(name)) {
        diagnostics.push(diagnostic("DLM4011", `predict reads parameter '${name}', which the train step does not have`, layer?.span ?? train.span));
      }
      return b.param(name, shape, initFor(layer?.kind ?? "", t.role, shapes));
    },
  });
  diagnostics.push(...res.diagnostics);
  if (!res.ok) return undefined;
  for (const o of el.model.outputs) {
    const node = res.values.get(o.id);
    if (node !== undefined) b.output(o.name, node);
  }
  const hostScalars: HostScalar[] = b.graph.inputs.some((i) => i.name === "step") ? [{ kind: "step", name: "step" }] : [];
  return { graph: b.graph, updates: [], hostScalars };
}

function concreteOr(shape: Dim[], eg: ElaboratedGraph, extra: Record<string, number | Dim>): number[] {
  const dim = makeDim(bindings(eg, extra));
  return shape.map((d) => dim(d, "a dim"));
}

/** Eval-mode forward of the step with per-example loss and metrics (single form), and the metrics whose
 *  per-example rows the host aggregates otherwise than by their mean (metrics.ts). */
function lowerEvaluate(train: CheckedTrain, diagnostics: Diagnostic[]): { step: StepGraph; aggregates: Record<string, MetricAggregate> } | undefined {
  if (train.loss === undefined) return undefined;
  const b = new Builder(emptyGraph());
  const res = lowerGraph(train.graph, "eval", b, { perExample: true, seed: train.seed ?? 0 });
  diagnostics.push(...res.diagnostics);
  if (!res.ok) return undefined;
  const perExample = (value: number) => {
    const node = res.values.get(value)!;
    const shape = b.shape(node);
    if (shape.length === 1 && shape[0] === train.batch) return node;
    // A loss expression that no longer has one value per example (e.g. it reduced over the batch itself)
    // is reported as the same value for every example.
    return b.at(train.span, () => b.broadcastTo(shape.length === 0 ? node : b.mean(node), [train.batch]));
  };
  b.output("loss", perExample(train.loss));
  const aggregates: Record<string, MetricAggregate> = {};
  for (const m of train.metrics) {
    if (m.name === "loss") continue;
    // A metric that is a task metric's own result (not an expression over it) keeps its rows.
    const op = train.graph.ops.find((o) => o.outputs.length === 1 && o.outputs[0]!.id === m.value);
    const node = res.values.get(m.value)!;
    const aggregate = op && b.rank(node) === 2 ? metricAggregate(op, op.inputs.map((v) => b.shape(res.values.get(v)!))) : undefined;
    if (aggregate) aggregates[m.name] = aggregate;
    b.output(m.name, aggregate ? node : perExample(m.value));
  }
  const hostScalars: HostScalar[] = b.graph.inputs.some((i) => i.name === "step") ? [{ kind: "step", name: "step" }] : [];
  return { step: { graph: b.graph, updates: [], hostScalars }, aggregates };
}

function stateOf(train: CheckedTrain, objectives: readonly ObjectiveSpec[], dim: ReturnType<typeof makeDim>): StateTensor[] {
  const layers = new Map(train.graph.layers.map((l) => [l.path, l]));
  const out: StateTensor[] = [];
  for (const p of train.graph.params) {
    const layer = layers.get(p.layer);
    const shapes = Object.fromEntries((layer?.params ?? [p]).map((q) => [q.role, q.shape.map((d) => dim(d, "a dim"))]));
    const s: StateTensor = { name: p.name, dtype: "f32", shape: shapes[p.role]!, role: p.buffer ? "buffer" : "param", init: initFor(layer?.kind ?? "", p.role, shapes), layer: p.layer };
    if (layer) s.span = layer.span;
    out.push(s);
  }
  const owners = firstOwners(objectives);
  const shapeOf = new Map(out.map((s) => [s.name, s]));
  objectives.forEach((o, k) => {
    for (const name of o.params) {
      const p = shapeOf.get(name);
      if (!p) continue;
      for (const suffix of momentsOf(o.optimizer)) {
        const s: StateTensor = { name: momentName(name, suffix, k, owners), dtype: "f32", shape: [...p.shape], role: "optimizer", init: { kind: "zeros" } };
        if (p.layer !== undefined) s.layer = p.layer;
        if (p.span) s.span = p.span;
        out.push(s);
      }
    }
  });
  return out;
}

function numbers(config: Record<string, ConfigValue>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(config)) if (typeof v === "number" || typeof v === "boolean") out[k] = v;
  return out;
}

export function optimizerSpec(name: string, config: Record<string, ConfigValue>): OptimizerSpec {
  const kind = name === "sgd" || name === "adam" || name === "adamw" || name === "rmsprop" ? name : "sgd";
  const c = numbers(config);
  const lr = typeof c["lr"] === "number" ? c["lr"] : kind === "sgd" ? 0.01 : kind === "rmsprop" ? 0.01 : 1e-3;
  return { kind, lr, config: c };
}

function scheduleSpec(name: string, config: Record<string, ConfigValue>): ScheduleSpec {
  const kind = name === "step_decay" || name === "cosine" || name === "linear_warmup" ? name : "constant";
  const c: Record<string, number> = {};
  for (const [k, v] of Object.entries(config)) if (typeof v === "number") c[k] = v;
  return { kind, config: c };
}
