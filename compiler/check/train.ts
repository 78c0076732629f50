// Train blocks, as one structure for both forms.
//
// Single form (`train Mlp on Digits { loss …; optimizer … }`): the model's inputs read the data fields of
// the same names (B = batch; other symbols by unifying declared input shapes with field shapes), its
// outputs and the fields are in scope for the loss and metrics; the block is one objective, minimize
// loss over the model. Step form (`train Gan on Digits { g = Generator; step { … minimize … } }`):
// bindings instantiate models, the step binds values (B is the batch) and each minimize names the
// instances it updates. Either way the whole step is one graph (fields as inputs, models inlined under
// their instance prefix), and an objective's dependence on an instance's parameters is traced back
// through that graph, with stop_grad cutting the trace.

import { paramsReached } from "./reach.js";
import type { Setting, TrainDecl } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { applyLayer } from "./apply.js";
import { collectLater, evalBinding, finishBody, type BodyState } from "./body.js";
import { fmtType } from "./catalogue/spec.js";
import { settings as settingSpecs } from "./catalogue/train-settings.js";
import { functions } from "./catalogue/index.js";
import { dimConst, dimEquals, dimProduct, dimSubst, formatShape, type Dim } from "./dims.js";
import { evalValue, materialize } from "./expr.js";
import { GraphBuilder, Sink } from "./graph.js";
import { evalTensorType, modelArgs, newCtx, paramArgs, paramsFromArgs, unify } from "./model.js";
import { closest, didYouMean, type ProgramIndex } from "./resolve.js";
import { adversarialSetting, numberSetting, optimizerSetting, resolveEarlyStop, scheduleSetting, validateSetting } from "./train-config.js";
import type { CheckedProgram, CheckedTrain, NamedValue, ValueId } from "./types.js";
import { tensorVal, unknown, type Ctx, type Val } from "./values.js";

export interface TrainOptions {
  /** Overrides the block's batch size (e.g. for a last, smaller batch). */
  batch?: number;
}

export function checkTrain(index: ProgramIndex, checked: CheckedProgram, decl: TrainDecl, sink: Sink, options: TrainOptions = {}): CheckedTrain {
  const before = sink.errorCount;
  const g = new GraphBuilder();
  const ctx = newCtx(index, g, sink);
  ctx.warnUnused = true;
  const stepBlocks = decl.items.filter((i) => i.kind === "StepBlock");
  const form = stepBlocks.length > 0 ? "step" : "single";
  const out: CheckedTrain = {
    span: decl.span, model: decl.target.name, data: decl.data.name, form, models: [], dims: {}, inputFields: {}, objectives: [], metrics: [],
    schedule: { name: "constant", config: {}, span: decl.span }, batch: 32, epochs: 1, graph: g.finish([], [], new Map()), ok: false,
  };
  if (stepBlocks.length > 1) sink.report("DLM3006", "a train block has one step block", stepBlocks[1]!.span);

  // Settings by key (duplicates and unknown keys reported once).
  const byKey = new Map<string, Setting>();
  const suggested = new Set<string>();
  for (const item of decl.items) {
    if (item.kind !== "Setting") continue;
    const key = item.key.name;
    const spec = settingSpecs.find((s) => s.name === key);
    if (!spec) {
      const close = closest(key, settingSpecs.map((s) => s.name));
      if (close) suggested.add(close);
      sink.report("DLM3005", `unknown setting '${key}'${close ? `; did you mean '${close}'?` : ""}`, item.key.span);
      continue;
    }
    if (byKey.has(key)) {
      sink.report("DLM3006", `'${key}' is set twice`, item.key.span);
      continue;
    }
    if (spec.form !== "both" && spec.form !== form) {
      sink.report("DLM3015", `'${key}' ${spec.notInStep ?? `is not a setting of the ${form} form`}`, item.key.span);
      continue;
    }
    byKey.set(key, item);
  }
  const batchS = byKey.get("batch");
  const batch = options.batch ?? (batchS ? numberSetting(ctx, batchS, "int", 1) : undefined) ?? 32;
  out.batch = batch;
  const epochsS = byKey.get("epochs");
  out.epochs = (epochsS ? numberSetting(ctx, epochsS, "int", 1) : undefined) ?? 1;
  const seedS = byKey.get("seed");
  const seed = seedS ? numberSetting(ctx, seedS, "int", 0) : undefined;
  if (seed !== undefined) out.seed = seed;
  const clipS = byKey.get("clip");
  const clip = clipS ? numberSetting(ctx, clipS, "float", 0, true) : undefined;
  if (clip !== undefined) out.clip = clip;
  const schedS = byKey.get("schedule");
  if (schedS) {
    const sc = schedS.args.length === 1 && !schedS.args[0]!.name ? scheduleSetting(ctx, schedS.args[0]!.value) : undefined;
    if (schedS.args.length !== 1) sink.report("DLM3009", "schedule takes one schedule, e.g. schedule cosine(warmup: 100)", schedS.span);
    if (sc) out.schedule = sc;
  }

  // Data: fields become batched graph inputs.
  const data = checked.data.find((d) => d.name === decl.data.name);
  if (!data) {
    sink.report("DLM1012", `unknown data '${decl.data.name}'${didYouMean(decl.data.name, index.data.keys())}`, decl.data.span);
  } else if (data.kind !== "examples" && data.ok) {
    sink.report("DLM3013", `data '${data.name}' yields ${data.kind === "series" ? "a series" : data.kind === "chars" ? "a character stream" : "text pairs"}, not examples: add a transform such as ${data.kind === "series" ? "windows(size: 28)" : data.kind === "chars" ? "chars(context: 64)" : "char_pairs(…)"}`, decl.data.span);
  }
  const validateS = byKey.get("validate");
  const validate = validateS ? validateSetting(ctx, validateS, !data || !data.ok || data.parts.includes("validation")) : undefined;
  const advS = byKey.get("adversarial");
  if (advS && form === "step") sink.report("DLM3015", "adversarial training needs a train block with one loss; in a step block, perturb the input in a binding", advS.key.span);
  const adversarial = advS && form === "single" ? adversarialSetting(ctx, advS) : undefined;
  const B = dimConst(batch);
  ctx.dims.set("B", B);
  const fieldValues = new Map<string, Val>();
  const inputs: NamedValue[] = [];
  for (const f of data?.kind === "examples" ? data.fields : []) {
    const shape = [B, ...f.shape];
    const id = g.input();
    inputs.push({ name: f.name, id, dtype: f.dtype, shape });
    fieldValues.set(f.name, tensorVal(id, f.dtype, shape, `data field '${f.name}'`));
  }
  // Without usable fields, expressions over them would only repeat the data's error.
  const dataBroken = !data || data.kind !== "examples" || data.fields.length === 0;

  const outputs: NamedValue[] = [];
  if (form === "single") singleForm(ctx, decl, out, fieldValues, dataBroken, data?.name ?? decl.data.name, byKey, suggested, outputs);
  else if (!dataBroken) stepForm(ctx, decl, out, fieldValues, B);
  if (validate) {
    // early_stop's monitor names the loss or a metric, known only now.
    const { earlyStop, every } = validate;
    const resolved = earlyStop && !dataBroken ? resolveEarlyStop(ctx, earlyStop, out, metricNames(byKey.get("metrics"))) : undefined;
    out.validate = resolved ? { every, earlyStop: resolved } : { every };
  }

  if (adversarial) {
    const perturbable = inputs.some((v) => v.dtype === "f32" && Object.values(out.inputFields).includes(v.name));
    if (perturbable) out.adversarial = adversarial;
    else if (!dataBroken && Object.keys(out.inputFields).length > 0) sink.report("DLM3009", `adversarial training perturbs the model's f32 inputs, and ${decl.target.name} has none (token ids cannot be perturbed)`, advS!.span);
  }
  out.dims = Object.fromEntries([...ctx.dims.entries()]) as Record<string, Dim>;
  out.graph = g.finish(inputs, outputs, ctx.dims);
  out.ok = sink.errorCount === before;
  return out;
}

function singleForm(
  ctx: Ctx,
  decl: TrainDecl,
  out: CheckedTrain,
  fields: Map<string, Val>,
  dataBroken: boolean,
  dataName: string,
  byKey: Map<string, Setting>,
  suggested: Set<string>,
  graphOutputs: NamedValue[],
): void {
  const sink = ctx.sink;
  const model = ctx.index.models.get(decl.target.name);
  if (!model) {
    sink.report("DLM1011", `unknown model '${decl.target.name}'${didYouMean(decl.target.name, ctx.index.models.keys())}`, decl.target.span);
    return;
  }
  for (const key of ["loss", "optimizer"])
    if (!byKey.has(key) && !suggested.has(key)) sink.report("DLM3007", `train ${decl.target.name} has no '${key}' setting`, decl.target.span);
  const args = modelArgs(ctx, model, decl.args, decl.target.span);
  if (!args) return;
  const params = paramsFromArgs(model, args, sink, decl.target.span);
  if (!params) return;
  out.models = [{ name: model.name.name, model: model.name.name, args, prefix: "" }];

  // Model inputs read fields of the same name; unification binds the model's symbols.
  const scratch = newCtx(ctx.index, new GraphBuilder(), new Sink());
  for (const [k, v] of params) scratch.scope.set(k, { kind: "param", name: k, param: v });
  const inputs: Val[] = [];
  let ok = !dataBroken;
  for (const s of model.body) {
    if (s.kind !== "InputDecl" || dataBroken) continue;
    const t = evalTensorType(scratch, s.type);
    const f = fields.get(s.name.name);
    if (!t) ok = false;
    else if (!f || f.kind !== "tensor") {
      sink.report("DLM3001", `model input '${s.name.name}' has no data field of that name; ${dataName} has ${[...fields.keys()].join(", ") || "no fields"}`, decl.target.span);
      ok = false;
    } else if (!unify(t, f, scratch.dims)) {
      const declared = { dtype: t.dtype, shape: t.shape.map((d) => dimSubst(d, scratch.dims)) };
      const perExample = declared.shape.slice(1);
      const hint =
        declared.dtype === f.dtype && dimEquals(dimProduct(perExample), dimProduct(f.shape.slice(1)))
          ? `; reshape it in the data: map(${s.name.name}: reshape(${s.name.name}, ${formatShape(perExample)}))`
          : "";
      sink.report("DLM3002", `model input '${s.name.name}' is ${fmtType(declared)} but data field '${s.name.name}' is ${fmtType(f)}${hint}`, decl.target.span);
      ok = false;
    } else {
      inputs.push(f);
      out.inputFields[s.name.name] = s.name.name;
    }
  }
  for (const [k, v] of scratch.dims) ctx.dims.set(k, v);
  const outputs = new Map<string, Val>();
  if (ok) {
    const res = applyLayer(ctx, { kind: "model", decl: model, args: params, path: "", label: model.name.name, span: decl.target.span, broken: false }, inputs, decl.target.span);
    const names = model.body.filter((s) => s.kind === "OutputDecl").map((s) => s.name.name);
    const vals = names.length === 1 ? [res] : res.kind === "tuple" ? res.elements : names.map(() => unknown);
    names.forEach((n, i) => outputs.set(n, vals[i] ?? unknown));
  } else {
    for (const s of model.body) if (s.kind === "OutputDecl") outputs.set(s.name.name, unknown);
  }
  for (const [name, v] of fields) {
    if (outputs.has(name)) sink.report("DLM3008", `data field '${name}' has the name of an output of ${model.name.name}; rename one (map(…) can rename a field)`, decl.data.span);
    else ctx.scope.set(name, { kind: "value", val: v });
  }
  for (const [name, v] of outputs) {
    ctx.scope.set(name, { kind: "value", val: v.kind === "tensor" ? { ...v, origin: `model output '${name}'` } : v });
    if (v.kind === "tensor") graphOutputs.push({ name, id: v.id, dtype: v.dtype, shape: v.shape });
  }
  if (dataBroken) return;
  const lossS = byKey.get("loss");
  const optS = byKey.get("optimizer");
  const loss = lossS ? scalarExpr(ctx, lossS, "loss") : undefined;
  const opt = optS && optS.args.length === 1 ? optimizerSetting(ctx, optS.args[0]!.value) : undefined;
  if (optS && optS.args.length !== 1) sink.report("DLM3009", "optimizer takes one optimizer, e.g. optimizer adam(lr: 1e-3)", optS.span);
  if (loss !== undefined) out.loss = loss;
  if (loss !== undefined && opt)
    out.objectives.push({ loss, over: [model.name.name], params: trainable(ctx, ""), optimizer: opt, span: lossS!.span });
  metrics(ctx, byKey.get("metrics"), out);
}

function stepForm(ctx: Ctx, decl: TrainDecl, out: CheckedTrain, fields: Map<string, Val>, B: Dim): void {
  const sink = ctx.sink;
  if (decl.args.length > 0) sink.report("DLM1006", "model params go on the bindings in a step-form train block: g = Generator(…)", decl.args[0]!.span);
  for (const [name, v] of fields) ctx.scope.set(name, { kind: "value", val: v });
  ctx.scope.set("B", { kind: "dim", dim: B });
  const state: BodyState = { outputs: new Map(), bindings: [] };
  const bindings = decl.items.filter((i) => i.kind === "Binding");
  const step = decl.items.find((i) => i.kind === "StepBlock");
  collectLater(ctx, [...bindings, ...(step?.kind === "StepBlock" ? step.stmts : [])]);
  for (const b of bindings) if (b.kind === "Binding") evalBinding(ctx, b, state);
  for (const b of state.bindings) {
    const e = ctx.scope.get(b.name);
    if (e?.kind === "layer" && e.layer.kind === "model") out.models.push({ name: b.name, model: e.layer.decl.name.name, args: paramArgs(e.layer.args), prefix: `${b.name}.` });
  }
  if (step?.kind !== "StepBlock") return;
  for (const s of step.stmts) {
    if (s.kind === "Binding") {
      evalBinding(ctx, s, state);
      continue;
    }
    const v = evalValue(ctx, s.loss);
    const loss = scalarValue(ctx, v, s.loss.span, "loss");
    const opt = optimizerSetting(ctx, s.optimizer);
    const over: string[] = [];
    const params: string[] = [];
    const reached = loss === undefined ? undefined : paramsReached(ctx.g.ops, loss, { cutAtStopGrad: true });
    for (const id of s.over) {
      const e = ctx.scope.get(id.name);
      if (e?.kind !== "layer") {
        sink.report(e ? "DLM1009" : "DLM1001", e ? `'${id.name}' is not a model instance; minimize … over names models bound in the train block` : `unknown model instance '${id.name}'${didYouMean(id.name, out.models.map((m) => m.name))}`, id.span);
        continue;
      }
      if (e.binding) e.binding.used = true;
      const own = trainable(ctx, `${e.layer.path}.`);
      over.push(id.name);
      params.push(...own);
      if (own.length === 0) sink.report("DLM3004", `'${id.name}' has no parameters here: it is never applied`, id.span);
      else if (reached && !own.some((p) => reached.has(p)))
        sink.report("DLM3004", `this loss does not depend on the parameters of '${id.name}'${reached.size > 0 ? " (stop_grad cuts it off, or it is not used)" : ""}`, id.span);
    }
    if (loss !== undefined && opt && over.length === s.over.length) out.objectives.push({ loss, over, params, optimizer: opt, span: s.span });
  }
  finishBody(ctx, state);
  metrics(ctx, decl.items.find((i): i is Setting => i.kind === "Setting" && i.key.name === "metrics"), out);
}

/** Trainable parameter names under a path prefix ("" = all). */
function trainable(ctx: Ctx, prefix: string): string[] {
  return [...ctx.g.params.values()].filter((p) => !p.buffer && p.name.startsWith(prefix)).map((p) => p.name);
}

function scalarExpr(ctx: Ctx, s: Setting, what: string): ValueId | undefined {
  if (s.args.length !== 1 || s.args[0]!.name) {
    ctx.sink.report("DLM3009", `${what} takes one expression`, s.span);
    return undefined;
  }
  const e = s.args[0]!.value;
  return scalarValue(ctx, evalValue(ctx, e), e.span, what);
}

function scalarValue(ctx: Ctx, v0: Val, span: Span, what: string): ValueId | undefined {
  const v = materialize(ctx, v0, "f32", span);
  if (v.kind === "unknown") return undefined;
  if (v.kind !== "tensor" || v.shape.length !== 0 || v.dtype !== "f32") {
    const got = v.kind === "tensor" ? fmtType(v) : "a tuple";
    const hint = v.kind === "tensor" && v.shape.length === 1 && v.dtype === "f32" ? " (reduce: none gives one value per example; use mean or sum)" : "";
    ctx.sink.report("DLM3003", `the ${what} must be a scalar f32[], but it is ${got}${hint}`, span);
    return undefined;
  }
  return v.id;
}

/** A metric's name: `name: expr`, or a call named after its function. */
const metricName = (a: Setting["args"][number]): string | undefined => a.name?.name ?? (a.value.kind === "Call" ? a.value.callee.name : undefined);

/** Every metric name the block writes (also those whose expression has errors). */
function metricNames(s: Setting | undefined): string[] {
  return (s?.args ?? []).map(metricName).filter((n): n is string => n !== undefined);
}

function metrics(ctx: Ctx, s: Setting | undefined, out: CheckedTrain): void {
  if (!s) return;
  for (const a of s.args) {
    const name = metricName(a);
    if (!name) {
      ctx.sink.report("DLM3009", "a metric is `name: expr` or a call such as accuracy(logits, label)", a.span);
      continue;
    }
    if (out.metrics.some((m) => m.name === name)) {
      ctx.sink.report("DLM3006", `metric '${name}' is given twice; name one: other_name: …`, a.span);
      continue;
    }
    const id = scalarValue(ctx, evalValue(ctx, a.value), a.value.span, `metric '${name}'`);
    // A catalogue metric call (also under another name: `acc: accuracy(…)`) says which way is better;
    // any other expression is taken as an error to minimize (early_stop's mode: max overrides it).
    const better = (a.value.kind === "Call" ? functions.get(a.value.callee.name)?.better : undefined) ?? "lower";
    if (id !== undefined) out.metrics.push({ name, value: id, span: a.span, better });
  }
}

