// The public methods of a generated model class, as statement lists: predict (any number of examples, in
// chunks of the compiled batch), trainStep (exactly one batch, allocation-free), evaluate (a Dataset,
// padded last batch, averages over real examples, or the metric's host aggregate of their rows), fit (epochs, seeded shuffling, schedule, validation,
// early stopping with best-weights restore), and the learning-rate schedule the train step reads.
//
// Formulas of the schedules are those of compiler/lower/schedule.ts (the host side of lowering), written
// out in the generated code so that the module imports nothing but dlm/runtime/core.

import type { NodeId } from "../../ir/graph.js";
import type { ModelProgram, ScheduleSpec, TensorSpec } from "../../program/types.js";
import type { StepName, StepPlan } from "../../plan/step-values.js";
import { sizeOf } from "../../ir/shapes.js";
import type { StepEmitter } from "./op-code.js";
import { numberLiteral } from "./op-code.js";
import { arrayType } from "./context.js";
import { propertyAccess, propertyKey, stringLiteral } from "./names.js";
import { stateView } from "./step.js";

export interface ApiContext {
  model: ModelProgram;
  className: string;
  types: { inputs: string; outputs: string; batch: string; metrics: string; stepMetrics: string };
  /** Emitters of the steps present, by step name. */
  emitters: Partial<Record<StepName, { em: StepEmitter; plan: StepPlan }>>;
  use(name: string): string;
  /** A class-level constant field (shape arrays for copyInput). */
  constant(hint: string, type: string, init: string): string;
}

const shapeText = (t: TensorSpec) => `${t.dtype}[${t.shape.join(", ")}]`;

/** Reads the first element of a node's value (a scalar output). */
function scalarRead(em: StepEmitter, plan: StepPlan, id: NodeId): string {
  const st = plan.storage.get(id);
  if (st?.kind === "literal") return numberLiteral(st.value);
  return `${em.arr(id)}[0]!`;
}

function inputNode(plan: StepPlan, name: string): NodeId | undefined {
  const id = plan.graph.inputs.find((i) => i.name === name)?.node;
  return id !== undefined && plan.storage.has(id) ? id : undefined;
}

function outputNode(plan: StepPlan, name: string): NodeId {
  const o = plan.graph.outputs.find((x) => x.name === name);
  if (!o) throw new Error(`emit: the ${plan.step} graph has no output "${name}"`);
  return o.node;
}

export function predictMethod(a: ApiContext): string[] {
  const s = a.emitters.predict!;
  const { model } = a;
  const where = stringLiteral(`${a.className}.predict`);
  const body: string[] = [];
  const batched = (t: TensorSpec) => t.shape[0] === model.batch;
  const per = (t: TensorSpec) => (batched(t) ? sizeOf(t.shape.slice(1)) : sizeOf(t.shape));
  body.push(`let count = -1;`);
  for (const t of model.inputs) {
    const v = propertyAccess("inputs", t.name);
    body.push(`count = ${a.use("checkExamples")}(${where}, ${stringLiteral(t.name)}, ${v}, ${arrayType(t.dtype)}, ${per(t)}, ${stringLiteral(shapeText(t))}, count);`);
  }
  body.push(`if (count < 0) count = ${model.batch};`);
  // `into` (optional) receives the outputs instead of fresh arrays: a prediction loop allocates nothing.
  const outs = model.outputs.map((t) => `${propertyKey(t.name)}: new ${arrayType(t.dtype)}(count * ${per(t)})`);
  body.push(`const result: ${a.types.outputs} = into ?? { ${outs.join(", ")} };`);
  for (const t of model.outputs) {
    const v = propertyAccess("result", t.name);
    const what = stringLiteral(`${a.className}.predict: into.${t.name} has `);
    const need = stringLiteral(` values, ${per(t)} per example are needed for `);
    body.push(`if (into !== undefined && !(${v}.length >= count * ${per(t)})) throw new RangeError(${what} + ${v}.length + ${need} + count + " examples");`);
  }
  const loop: string[] = [`const n = Math.min(${model.batch}, count - start);`];
  for (const t of model.inputs) {
    const id = inputNode(s.plan, t.name);
    if (id === undefined) continue;
    const view = s.em.arr(id);
    // element loops, not set(subarray(…)): a subarray is an allocation per chunk
    loop.push(`for (let i = 0, o = start * ${per(t)}; i < n * ${per(t)}; i++) ${view}[i] = ${propertyAccess("inputs", t.name)}[o + i]!;`);
    loop.push(`if (n < ${model.batch}) ${view}.fill(0, n * ${per(t)});`);
  }
  loop.push(`this.runPredict();`);
  for (const t of model.outputs) {
    const id = outputNode(s.plan, t.name);
    const st = s.plan.storage.get(id);
    const dst = propertyAccess("result", t.name);
    if (st?.kind === "literal") loop.push(`${dst}.fill(${numberLiteral(st.value)}, start * ${per(t)}, (start + n) * ${per(t)});`);
    else loop.push(`for (let i = 0, o = start * ${per(t)}; i < n * ${per(t)}; i++) ${dst}[o + i] = ${s.em.arr(id)}[i]!;`);
  }
  body.push(`for (let start = 0; start < count; start += ${model.batch}) {\n${loop.join("\n")}\n}`);
  body.push(`return result;`);
  return body;
}

/** Statements that set the host scalars of a train step from `step`, `this.epoch`, `this.totalSteps`. */
function hostScalarStatements(a: ApiContext, plan: StepPlan, em: StepEmitter): string[] {
  const out: string[] = [];
  const train = a.model.train!;
  for (const h of train.hostScalars) {
    const id = inputNode(plan, h.name);
    if (id === undefined) continue;
    const view = em.arr(id);
    if (h.kind === "lr") {
      const base = a.model.training?.objectives[h.objective]?.optimizer.lr ?? 0.001;
      out.push(`${view}[0] = this.learningRate(${numberLiteral(base)}, step);`);
    } else if (h.kind === "bias_correction") {
      out.push(`${view}[0] = 1 - Math.pow(${numberLiteral(h.beta)}, step + 1);`);
    } else {
      out.push(`${view}[0] = step;`);
    }
  }
  return out;
}

export function trainStepMethod(a: ApiContext, metricNames: string[]): string[] {
  const s = a.emitters.train!;
  const { model } = a;
  const body: string[] = [];
  for (const t of model.fields) {
    const id = inputNode(s.plan, t.name);
    const shape = a.constant(`${t.name}Shape`, "readonly number[]", `[${t.shape.join(", ")}]`);
    const v = propertyAccess("batch", t.name);
    if (id === undefined) {
      body.push(`${a.use("checkInput")}(${stringLiteral(t.name)}, ${v}, ${stringLiteral(t.dtype)}, ${shape});`);
      continue;
    }
    // Fast path: the right typed array is copied with one memcpy; anything else goes through the
    // runtime's checked element-by-element copy (plain arrays, wrong sizes → a clear InputError).
    const view = s.em.arr(id);
    body.push(`if (${v} instanceof ${arrayType(t.dtype)} && ${v}.length === ${sizeOf(t.shape)}) ${view}.set(${v});`);
    body.push(`else ${a.use("copyInput")}(${stringLiteral(t.name)}, ${v}, ${view}, ${shape});`);
  }
  body.push(`const step = this.stepCount;`);
  body.push(...hostScalarStatements(a, s.plan, s.em));
  body.push(`this.runTrain();`);
  for (const u of model.train!.updates) {
    if (s.plan.inPlace.has(u.state) && s.plan.storage.get(u.node)?.kind === "state") continue;
    const st = s.plan.storage.get(u.node);
    const dst = stateView(a.emitters.train!.em.cls, model, u.state);
    body.push(st?.kind === "literal" ? `${dst}.fill(${numberLiteral(st.value)});` : `${dst}.set(${s.em.arr(u.node)});`);
  }
  body.push(`this.stepCount = step + 1;`);
  body.push(`const result = this.trainResult;`);
  for (const m of metricNames) body.push(`${propertyAccess("result", m)} = ${scalarRead(s.em, s.plan, outputNode(s.plan, m))};`);
  body.push(`return result;`);
  return body;
}

/** `const image = f32Field(batcher, …)` for every field a step reads; returns the statements and names. */
function fieldBuffers(a: ApiContext, where: string, batcher: string, only?: (name: string) => boolean): { lines: string[]; names: Map<string, string> } {
  const lines: string[] = [];
  const names = new Map<string, string>();
  a.model.fields.forEach((t, i) => {
    if (only && !only(t.name)) return;
    const local = `field${i}`;
    names.set(t.name, local);
    const size = sizeOf(t.shape.slice(1));
    const fn = t.dtype === "i32" ? "i32Field" : "f32Field";
    lines.push(`const ${local} = ${a.use(fn)}(${batcher}, ${stringLiteral(t.name)}, ${size}, ${stringLiteral(where)});`);
  });
  return { lines, names };
}

export function evaluateMethod(a: ApiContext, metricNames: string[]): string[] {
  const s = a.emitters.evaluate!;
  const where = `${a.className}.evaluate`;
  const body: string[] = [];
  body.push(`const batcher = new ${a.use("Batcher")}(data, ${a.model.batch}, { shuffle: null, partial: "pad" });`);
  const f = fieldBuffers(a, where, "batcher", (name) => inputNode(s.plan, name) !== undefined);
  body.push(...f.lines);
  // Metrics with a host aggregate (a ratio of sums, an AP) hand their rows to a runtime aggregator.
  const aggregates = a.model.training?.aggregates ?? {};
  const aggregated = (m: string) => Object.hasOwn(aggregates, m);
  const sums = metricNames.map((m, i) => (aggregated(m) ? undefined : `sum${i} = 0`)).filter((x) => x !== undefined);
  body.push(`let count = 0;`);
  if (sums.length > 0) body.push(`let ${sums.join(", ")};`);
  metricNames.forEach((m, i) => {
    const g = aggregates[m];
    if (!g || !aggregated(m)) return;
    const config = Object.entries(g.config).map(([k, v]) => `${propertyKey(k)}: ${numberLiteral(v)}`).join(", ");
    body.push(`const agg${i} = ${a.use("createAggregator")}(${stringLiteral(g.kind)}, { ${config} });`);
  });
  body.push(`batcher.startEpoch();`);
  const loop: string[] = [];
  for (const t of a.model.fields) {
    const id = inputNode(s.plan, t.name);
    if (id !== undefined) loop.push(`${s.em.arr(id)}.set(${f.names.get(t.name)});`);
  }
  loop.push(`this.runEvaluate();`);
  metricNames.forEach((m, i) => {
    const id = outputNode(s.plan, m);
    const st = s.plan.storage.get(id);
    if (aggregated(m)) loop.push(`agg${i}.add(${s.em.arr(id)}, n);`);
    else if (st?.kind === "literal") loop.push(`sum${i} += n * ${numberLiteral(st.value)};`);
    else if (sizeOf(s.plan.graph.nodes[id]!.shape) === 1) loop.push(`sum${i} += n * ${s.em.arr(id)}[0]!;`);
    else loop.push(`{\nconst v = ${s.em.arr(id)};\nfor (let r = 0; r < n; r++) sum${i} += v[r]!;\n}`);
  });
  loop.push(`count += n;`);
  body.push(`for (let n = batcher.next(); n > 0; n = batcher.next()) {\n${loop.join("\n")}\n}`);
  body.push(`if (count === 0) throw new Error(${stringLiteral(`${where}: the dataset is empty`)});`);
  body.push(`return { ${metricNames.map((m, i) => `${propertyKey(m)}: ${aggregated(m) ? `agg${i}.result()` : `sum${i} / count`}`).join(", ")} };`);
  return body;
}

/** The type trainStep returns: the metrics type, or the step metrics one when set-level metrics are left out. */
export function stepMetricsType(types: ApiContext["types"], stepNames: readonly string[], evalNames: readonly string[]): string {
  return stepNames.join() === evalNames.join() ? types.metrics : types.stepMetrics;
}

/** FitOptions/EpochInfo/FitResult type arguments: `M`, or `M, S` when a step reports less than evaluate. */
export function fitTypeArgs(types: ApiContext["types"], stepNames: readonly string[], evalNames: readonly string[]): string {
  const step = stepMetricsType(types, stepNames, evalNames);
  return step === types.metrics ? types.metrics : `${types.metrics}, ${step}`;
}

/** `stepNames`: what trainStep reports (averaged per epoch); `evalNames`: what evaluate reports (validation). */
export function fitMethod(a: ApiContext, stepNames: string[], evalNames: string[]): string[] {
  const { model } = a;
  const spec = model.training!;
  const where = `${a.className}.fit`;
  const body: string[] = [];
  body.push(`const epochs = options.epochs ?? ${spec.epochs};`);
  body.push(`const shuffle = ${a.use("createRng")}(options.seed ?? ${spec.seed}).fork("shuffle");`);
  body.push(`const batcher = new ${a.use("Batcher")}(data.train, ${model.batch}, { shuffle, partial: "drop" });`);
  body.push(`if (batcher.batchesPerEpoch === 0) throw new ${a.use("TrainingError")}(${stringLiteral(where)}, \`the training set has \${data.train.count} examples, fewer than one batch of ${model.batch}\`);`);
  const f = fieldBuffers(a, where, "batcher");
  body.push(...f.lines);
  body.push(`const batch: ${a.types.batch} = { ${model.fields.map((t) => `${propertyKey(t.name)}: ${f.names.get(t.name)}`).join(", ")} };`);
  const kind = spec.schedule.kind;
  // Only the schedules that read them get these fields (unused private fields fail noUnusedLocals).
  if (kind === "cosine") body.push(`this.totalSteps = this.stepCount + epochs * batcher.batchesPerEpoch;`);
  const every = spec.validate?.every ?? 1;
  // The checker resolved the monitor to "loss" or a metric, and its direction (catalogue or mode:).
  const early = spec.validate?.earlyStop;
  if (early && !evalNames.includes(early.monitor)) throw new Error(`emit: early_stop monitors "${early.monitor}", which ${a.className} does not report`);
  const tracked = early?.monitor ?? "loss";
  const higher = early?.mode === "max";
  const hasEval = a.emitters.evaluate !== undefined;
  const stopping = hasEval && early !== undefined;
  const info = `EpochInfo<${fitTypeArgs(a.types, stepNames, evalNames)}>`;
  body.push(`const history: ${info}[] = [];`);
  if (stopping) {
    body.push(`let best = ${higher ? "-Infinity" : "Infinity"};`, `let bestEpoch = 0;`, `let waited = 0;`, `let stoppedEarly = false;`);
    body.push(`let bestState: Float32Array[] | null = null;`);
  }
  const loop: string[] = [];
  if (kind === "step_decay") loop.push(`this.epoch = epoch - 1;`);
  loop.push(`batcher.startEpoch();`);
  loop.push(`let steps = 0;`, `let ${stepNames.map((_, i) => `sum${i} = 0`).join(", ")};`);
  const inner: string[] = [`const r = this.trainStep(batch);`];
  inner.push(`if (!Number.isFinite(r.loss)) throw new ${a.use("TrainingError")}(${stringLiteral(where)}, \`the loss became \${r.loss} at epoch \${epoch}, step \${this.stepCount}; try a lower learning rate or check the data for NaN/Inf\`);`);
  stepNames.forEach((m, i) => inner.push(`sum${i} += ${propertyAccess("r", m)};`));
  inner.push(`steps++;`);
  inner.push(`if (options.onStep) options.onStep({ epoch, step: this.stepCount, metrics: r });`);
  loop.push(`while (batcher.next() > 0) {\n${inner.join("\n")}\n}`);
  loop.push(`const info: ${info} = { epoch, train: { ${stepNames.map((m, i) => `${propertyKey(m)}: sum${i} / steps`).join(", ")} } };`);
  if (hasEval) {
    const check: string[] = [`info.validation = this.evaluate(data.validation);`];
    if (early) {
      const v = propertyAccess("info.validation", tracked);
      check.push(`if (${v} ${higher ? ">" : "<"} best) {\nbest = ${v};\nbestEpoch = epoch;\nwaited = 0;\nbestState = this.snapshot();\n} else if (++waited >= ${early.patience}) {\nstoppedEarly = true;\n}`);
    }
    loop.push(`if (data.validation && epoch % ${every} === 0) {\n${check.join("\n")}\n}`);
  }
  loop.push(`history.push(info);`, `if (options.onEpoch) options.onEpoch(info);`);
  if (stopping) loop.push(`if (stoppedEarly) break;`);
  loop.push(`await new Promise<void>((resolve) => setTimeout(resolve, 0));`);
  body.push(`for (let epoch = 1; epoch <= epochs; epoch++) {\n${loop.join("\n")}\n}`);
  if (stopping) {
    body.push(`if (bestState !== null) this.restore(bestState);`);
    body.push(`return { epochs: history, bestEpoch, stoppedEarly };`);
  } else {
    body.push(`return { epochs: history, bestEpoch: 0, stoppedEarly: false };`);
  }
  return body;
}

export function learningRateMethod(schedule: ScheduleSpec | undefined): string[] {
  const c = schedule?.config ?? {};
  switch (schedule?.kind ?? "constant") {
    case "constant":
      return [`void step;`, `return base;`];
    case "step_decay":
      return [`void step;`, `return base * Math.pow(${numberLiteral(c["gamma"] ?? 0.1)}, Math.floor(this.epoch / ${Math.max(1, c["every"] ?? 1)}));`];
    case "linear_warmup":
      return [`return base * Math.min(1, (step + 1) / ${Math.max(1, c["steps"] ?? 1)});`];
    case "cosine": {
      const warmup = Math.max(0, c["warmup"] ?? 0);
      return [
        ...(warmup > 0 ? [`if (step < ${warmup}) return (base * (step + 1)) / ${warmup};`] : []),
        `if (this.totalSteps === 0) return base; // the run's length is unknown (scheduleSteps not called): no decay`,
        `const progress = Math.min(1, (step - ${warmup}) / Math.max(1, this.totalSteps - ${warmup}));`,
        `return base * 0.5 * (1 + Math.cos(Math.PI * progress));`,
      ];
    }
    default:
      return [`void step;`, `return base;`];
  }
}
