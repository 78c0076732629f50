// One ModelProgram → the ts-morph structures of its class and its typed interfaces (`<Model>Inputs`,
// `<Model>Outputs`, `<Model>Batch`, `<Model>Metrics`). Nothing is printed here: index.ts puts every
// structure into one source file, prints it once and formats it once.

import type { ClassDeclarationStructure, InterfaceDeclarationStructure, MethodDeclarationStructure, OptionalKind, PropertyDeclarationStructure } from "ts-morph";
import { Scope, StructureKind } from "./structure-kinds.js";
import type { ModelProgram, StateTensor, TensorSpec } from "../../program/types.js";
import { planModel } from "../../plan/step-values.js";
import type { ModelPlan, StepName } from "../../plan/step-values.js";
import { STEP_NAMES } from "../../plan/step-values.js";
import { sizeOf } from "../../ir/shapes.js";
import type { SourceText } from "./step.js";
import { makeStepEmitter, stateView, stepBody } from "./step.js";
import { ClassContext, arrayType } from "./context.js";
import type { ModuleContext, Helper } from "./context.js";
import { EmitError, numberLiteral, pairPools, scratchOf } from "./op-code.js";
import type { PoolPairs } from "./op-code.js";
import type { ApiContext } from "./model-api.js";
import { evaluateMethod, fitMethod, fitTypeArgs, learningRateMethod, predictMethod, stepMetricsType, trainStepMethod } from "./model-api.js";
import { sequenceMethods } from "./model-sequence.js";
import { inputGradientMethod, integratedGradientsMethod, saliencyMethod } from "./model-trust.js";
import type { Namer } from "./names.js";
import { commentText, propertyKey, stringLiteral } from "./names.js";

export const HELPERS: readonly Helper[] = ["checkExamples", "f32Field", "i32Field", "f32Tensor", "i32Tensor", "checkpointFiles", "uniformAt", "normalAt"];
const TYPE_ONLY = new Set(["Tensor", "Dataset"]);

export interface EmittedModel {
  statements: Array<InterfaceDeclarationStructure | ClassDeclarationStructure>;
  plan: ModelPlan;
  usesFit: boolean;
}

function interfaceOf(name: string, props: Array<{ name: string; type: string; doc?: string }>): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    properties: props.map((p) => ({ name: propertyKey(p.name), type: p.type, ...(p.doc ? { docs: [p.doc] } : {}) })),
  };
}

const tensorDoc = (t: TensorSpec) => commentText(`${t.dtype}[${t.shape.join(", ")}]`);

function initStatement(st: StateTensor, view: string): string {
  const init = st.init;
  const rng = `rng.fork(${stringLiteral(st.name)})`;
  switch (init.kind) {
    case "zeros":
      return `${view}.fill(0);`;
    case "ones":
      return `${view}.fill(1);`;
    case "const":
      return init.values.length === 1 ? `${view}.fill(${numberLiteral(init.values[0]!)});` : `${view}.set([${init.values.map(numberLiteral).join(", ")}]);`;
    case "uniform":
      if (st.dtype !== "f32") throw new EmitError(`state ${st.name}: random init of ${st.dtype}`);
      return `${rng}.fillUniform(${view}, ${numberLiteral(init.low)}, ${numberLiteral(init.high)});`;
    case "normal":
      if (st.dtype !== "f32") throw new EmitError(`state ${st.name}: random init of ${st.dtype}`);
      return `${rng}.fillNormal(${view}, ${numberLiteral(init.mean)}, ${numberLiteral(init.std)});`;
  }
}

const method = (name: string, body: string[], extra: Partial<MethodDeclarationStructure> = {}): OptionalKind<MethodDeclarationStructure> => ({
  name,
  statements: body,
  ...extra,
});

export interface ModelNames {
  className: string;
  /** `stepMetrics`: what trainStep reports when it is less than `metrics` (no set-level metrics). */
  types: { inputs: string; outputs: string; batch: string; metrics: string; stepMetrics: string };
}

/** Top-level names of one model's class and interfaces, unique within the module. */
export function modelNames(model: ModelProgram, topNames: Namer): ModelNames {
  const className = topNames.fresh(model.name, "pascal");
  return {
    className,
    types: {
      inputs: topNames.fresh(`${className}Inputs`, "pascal"),
      outputs: topNames.fresh(`${className}Outputs`, "pascal"),
      batch: topNames.fresh(`${className}Batch`, "pascal"),
      metrics: topNames.fresh(`${className}Metrics`, "pascal"),
      stepMetrics: topNames.fresh(`${className}StepMetrics`, "pascal"),
    },
  };
}

export function emitModel(model: ModelProgram, names: ModelNames, mod: ModuleContext, runtimeNames: readonly string[], source: SourceText | undefined,
  meta: { file: string; fuse: boolean; stepBodies?: boolean }): EmittedModel {
  const { className, types } = names;

  // Pairs and scratch are per step graph; the planner asks for scratch node by node.
  const pairsOf = new Map<StepName, PoolPairs>();
  for (const step of STEP_NAMES) {
    const sg = model[step];
    if (sg) pairsOf.set(step, pairPools(sg.graph.nodes));
  }
  const plan = planModel(model, (n, g) => {
    const step = STEP_NAMES.find((s) => model[s]?.graph === g)!;
    return scratchOf(n, pairsOf.get(step)!, (id) => g.nodes[id]!.shape);
  }, { fuse: meta.fuse });
  const cls = new ClassContext(mod, plan, runtimeNames);
  for (const st of model.state) stateView(cls, model, st.name);

  const emitters: ApiContext["emitters"] = {};
  const runMethods: OptionalKind<MethodDeclarationStructure>[] = [];
  for (const sp of plan.steps) {
    const em = makeStepEmitter(cls, model, sp, pairsOf.get(sp.step)!);
    emitters[sp.step] = { em, plan: sp };
    // The Wasm target replaces the run methods' bodies: it asks for none (stepBodies: false; compile time).
    const parts = meta.stepBodies === false ? [[]] : stepBody(em, sp, source);
    const name = runMethodName(sp.step);
    if (parts.length === 1) runMethods.push(method(name, parts[0]!, { scope: Scope.Private, returnType: "void" }));
    else {
      runMethods.push(method(name, parts.map((_, i) => `this.${name}Part${i + 1}();`), {
        scope: Scope.Private, returnType: "void", docs: [`In ${parts.length} parts, each small enough for V8 to optimize.`],
      }));
      parts.forEach((body, i) => runMethods.push(method(`${name}Part${i + 1}`, body, { scope: Scope.Private, returnType: "void" })));
    }
  }

  const use = (name: string): string => {
    if ((HELPERS as readonly string[]).includes(name)) mod.helpers.add(name as Helper);
    else if (TYPE_ONLY.has(name)) mod.typeImports.add(name);
    else mod.use(name);
    return name;
  };
  const api: ApiContext = { model, className, types, emitters, use, constant: (h, t, i) => cls.constant(h, t, i) };

  const trainOutputs = model.train?.graph.outputs.map((o) => o.name) ?? [];
  const evalOutputs = model.evaluate?.graph.outputs.map((o) => o.name) ?? [];
  // evaluate reports every metric; a train step all but the set-level ones (detection_map), in the same order.
  const metricNames = evalOutputs.length > 0 ? evalOutputs : trainOutputs;
  const stepNames = trainOutputs.length > 0 ? trainOutputs : evalOutputs;
  if (model.evaluate && model.train && evalOutputs.filter((m) => trainOutputs.includes(m)).join() !== trainOutputs.join()) {
    throw new EmitError(`${model.name}: train outputs (${trainOutputs.join(", ")}) are not among the evaluate outputs (${evalOutputs.join(", ")})`);
  }
  const stepType = stepMetricsType(types, stepNames, metricNames);

  const statements: EmittedModel["statements"] = [];
  statements.push(interfaceOf(types.inputs, model.inputs.map((t) => ({ name: t.name, type: arrayType(t.dtype), doc: tensorDoc(t) }))));
  statements.push(interfaceOf(types.outputs, model.outputs.map((t) => ({ name: t.name, type: arrayType(t.dtype), doc: tensorDoc(t) }))));
  if (model.train || model.evaluate) {
    statements.push(interfaceOf(types.batch, model.fields.map((t) => ({ name: t.name, type: arrayType(t.dtype), doc: tensorDoc(t) }))));
    statements.push(interfaceOf(types.metrics, metricNames.map((m) => ({ name: m, type: "number" }))));
    if (stepType !== types.metrics) statements.push(interfaceOf(stepType, stepNames.map((m) => ({ name: m, type: "number" }))));
  }

  const methods: OptionalKind<MethodDeclarationStructure>[] = [];
  const seed = model.training?.seed ?? 0;
  methods.push(method("create", [`const model = new ${className}();`, `model.initState(options.seed ?? ${seed});`, `return model;`], {
    isStatic: true,
    isAsync: true,
    parameters: [{ name: "options", type: "{ seed?: number }", initializer: "{}" }],
    returnType: `Promise<${className}>`,
    docs: ["Allocates the arena once and initialises the state from `seed` (the same seed gives the same weights)."],
  }));
  if (model.predict) {
    methods.push(method("predict", predictMethod(api), {
      parameters: [{ name: "inputs", type: types.inputs }, { name: "into", type: types.outputs, hasQuestionToken: true }],
      returnType: types.outputs,
      docs: [`Any number of examples; runs in chunks of ${model.batch} (the last one padded). With \`into\`, the outputs are written there (each array at least examples × its per-example size) and \`into\` is returned: nothing is allocated.`],
    }));
    if (emitters.predict) methods.push(...sequenceMethods({ model, className, predict: emitters.predict, use }));
    // A declared output named `score` (an autoencoder's per-example reconstruction error) is the model's
    // anomaly score: score() returns it alone, on both targets (the Wasm glue wraps this same class).
    const score = model.outputs.find((t) => t.name === "score");
    if (score) {
      methods.push(method("score", [`return this.predict(inputs).score;`], {
        parameters: [{ name: "inputs", type: types.inputs }],
        returnType: arrayType(score.dtype),
        docs: ["The `score` output for any number of examples (one value per example: higher is more anomalous)."],
      }));
    }
  }
  if (model.train) {
    const setLevel = metricNames.filter((m) => !stepNames.includes(m));
    methods.push(method("trainStep", trainStepMethod(api, stepNames), {
      parameters: [{ name: "batch", type: types.batch }],
      returnType: stepType,
      docs: [`Exactly ${model.batch} examples. Allocates nothing; returns the same result object every call.${setLevel.length > 0 ? ` Without ${setLevel.join(", ")}: computed over a whole set, evaluate reports ${setLevel.length > 1 ? "them" : "it"}.` : ""}`],
    }));
  }
  if (model.evaluate) {
    methods.push(method("evaluate", evaluateMethod(api, metricNames), {
      parameters: [{ name: "data", type: use("Dataset") }],
      returnType: types.metrics,
      docs: ["Loss and metrics averaged over every example (the padding of the last batch is ignored)."],
    }));
  }
  const usesFit = model.train !== undefined && model.training !== undefined;
  if (usesFit) {
    const fitArgs = fitTypeArgs(types, stepNames, metricNames);
    methods.push(method("fit", fitMethod(api, stepNames, metricNames), {
      isAsync: true,
      parameters: [
        { name: "data", type: `{ train: ${use("Dataset")}; validation?: ${use("Dataset")} }` },
        { name: "options", type: `FitOptions<${fitArgs}>`, initializer: "{}" },
      ],
      returnType: `Promise<FitResult<${fitArgs}>>`,
    }));
  }
  methods.push(...trustMethods(api));
  methods.push(...saveLoadMethods(model, cls, className, use));
  methods.push(method("parameters", [`return { ${model.state.filter((s) => s.role === "param").map((s) => `${propertyKey(s.name)}: ${stateView(cls, model, s.name)}`).join(", ")} };`], {
    returnType: "Record<string, Float32Array>",
    docs: ["The trained weights, as views of the model's memory (writes change the model)."],
  }));
  methods.push(...runMethods);
  // A loop of the user's own (trainStep) tells the schedule where the run is; fit does it itself.
  const scheduleKind = model.train ? model.training?.schedule.kind : undefined;
  if (scheduleKind === "cosine") methods.push(method("scheduleSteps", [`this.totalSteps = total;`], {
    parameters: [{ name: "total", type: "number" }], returnType: "void",
    docs: ["For a loop of your own over trainStep: the optimizer step (counted from the first, checkpoints included) at which the cosine schedule reaches 0. Until it is set the learning rate does not decay; fit sets it to the end of its own run."],
  }));
  if (scheduleKind === "step_decay") methods.push(method("scheduleEpoch", [`this.epoch = epoch;`], {
    parameters: [{ name: "epoch", type: "number" }], returnType: "void",
    docs: ["For a loop of your own over trainStep: the 0-based epoch step_decay reads (fit sets it each epoch)."],
  }));
  if (model.train) {
    methods.push(method("learningRate", learningRateMethod(model.training?.schedule), {
      scope: Scope.Private, parameters: [{ name: "base", type: "number" }, { name: "step", type: "number" }], returnType: "number",
    }));
  }
  const random = model.state.some((st) => st.init.kind === "uniform" || st.init.kind === "normal");
  methods.push(method("initState", [
    ...(random ? [`const rng = ${use("createRng")}(seed).fork("init");`] : [`void seed; // no randomly initialised state`]),
    ...model.state.map((st) => initStatement(st, stateView(cls, model, st.name))),
    `this.stepCount = 0;`,
  ], { scope: Scope.Private, parameters: [{ name: "seed", type: "number" }], returnType: "void" }));
  const trainable = model.state.filter((s) => s.role !== "optimizer" && s.dtype === "f32");
  // Only early stopping keeps the best weights.
  if (usesFit && model.evaluate && model.training?.validate?.earlyStop) methods.push(method("snapshot", [`return [${trainable.map((s) => `${stateView(cls, model, s.name)}.slice()`).join(", ")}];`], {
    scope: Scope.Private, returnType: "Float32Array[]",
  }));
  if (usesFit && model.evaluate && model.training?.validate?.earlyStop) methods.push(method("restore", trainable.map((s, i) => `${stateView(cls, model, s.name)}.set(saved[${i}]!);`), {
    scope: Scope.Private, parameters: [{ name: "saved", type: "Float32Array[]" }], returnType: "void",
  }));

  // Fields last: emitting the methods is what created them.
  const fills = constFills(model, plan, cls);
  const properties: OptionalKind<PropertyDeclarationStructure>[] = [
    { name: "batch", isStatic: true, isReadonly: true, initializer: String(model.batch), docs: ["Examples per step (fixed when the model was compiled)."] },
    { name: "arenaBytes", isStatic: true, isReadonly: true, initializer: String(plan.arenaBytes), docs: ["Bytes of the one buffer holding state, intermediates and scratch."] },
    { name: "stepCount", scope: Scope.Private, initializer: "0" },
  ];
  if (scheduleKind === "step_decay") properties.push({ name: "epoch", scope: Scope.Private, initializer: "0", docs: ["0-based epoch of the run (step_decay reads it)."] });
  if (scheduleKind === "cosine") properties.push({ name: "totalSteps", scope: Scope.Private, initializer: "0", docs: ["The optimizer step at which the cosine schedule reaches 0; 0 while unknown (no decay)."] });
  if (model.train) {
    properties.push({ name: "trainResult", scope: Scope.Private, isReadonly: true, type: stepType,
      initializer: `{ ${stepNames.map((m) => `${propertyKey(m)}: 0`).join(", ")} }` });
  }
  for (const f of cls.fields) {
    properties.push({ name: f.name, scope: Scope.Private, isReadonly: true, type: f.type, ...(f.comment ? { docs: [f.comment] } : {}) });
  }
  const ctor = [
    `const arena = new ArrayBuffer(${plan.arenaBytes});`,
    ...cls.fields.map((f) => `this.${f.name} = ${f.init};`),
    ...fills,
  ];
  const klass: ClassDeclarationStructure = {
    kind: StructureKind.Class,
    name: className,
    isExported: true,
    docs: [commentText(`Model ${model.name} from ${meta.file}: batch ${model.batch}, ${model.state.filter((s) => s.role === "param").reduce((n, s) => n + sizeOf(s.shape), 0)} parameters.`)],
    properties,
    ctors: [{ scope: Scope.Private, statements: ctor }],
    methods,
  };
  statements.push(klass);
  return { statements, plan, usesFit };
}

/** The private method running a step: runPredict, runEvaluate, runTrain, runInputGradient, runSaliency. */
export const runMethodName = (step: StepName): string => `run${step[0]!.toUpperCase()}${step.slice(1)}`;

/** inputGradient, saliency and integratedGradients, for the steps present (model-trust.ts). */
function trustMethods(api: ApiContext): OptionalKind<MethodDeclarationStructure>[] {
  const out: OptionalKind<MethodDeclarationStructure>[] = [];
  const B = api.model.batch;
  if (api.emitters.inputGradient) {
    const m = inputGradientMethod(api);
    out.push(method("inputGradient", m.body, {
      parameters: [{ name: "batch", type: api.types.batch }], returnType: m.returnType,
      docs: [`Per example: the loss (eval mode) and its gradient with respect to each float field the model reads. Any number of examples, in chunks of ${B}.`],
    }));
  }
  if (api.emitters.saliency) {
    const s = saliencyMethod(api);
    out.push(method("saliency", s.body, {
      parameters: [{ name: "inputs", type: api.types.inputs }, { name: "classIndex", type: "number | ArrayLike<number>" }], returnType: s.returnType,
      docs: ["Per example: the score `classIndex` of the first output (a flat index into one example's output; one for all, or one per example) and its gradient with respect to each float input."],
    }));
    const ig = integratedGradientsMethod(api);
    out.push(method("integratedGradients", ig.body, {
      parameters: [{ name: "inputs", type: api.types.inputs }, { name: "classIndex", type: "number | ArrayLike<number>" }, { name: "options", type: ig.optionsType, initializer: "{}" }],
      returnType: ig.returnType,
      docs: ["Integrated gradients of the score `classIndex` along the straight path from `baseline` (default zeros; one example) to each input, midpoint rule over `steps` points (default 100). Σ attributions ≈ scores − baselineScores."],
    }));
  }
  return out;
}

/** Constants that need memory (not inlined as literals) are written once, in the constructor. */
function constFills(model: ModelProgram, plan: ModelPlan, cls: ClassContext): string[] {
  const out: string[] = [];
  for (const sp of plan.steps) {
    for (const id of sp.order) {
      const n = sp.graph.nodes[id]!;
      const st = sp.storage.get(id);
      if (n.op !== "const" || st?.kind !== "slot") continue;
      const view = cls.view(st.key, n.dtype, sizeOf(n.shape), `${sp.step}Const${id}`);
      out.push(n.attrs.values.length === 1 ? `${view}.fill(${numberLiteral(n.attrs.values[0]!)});` : `${view}.set([${n.attrs.values.map(numberLiteral).join(", ")}]);`);
    }
  }
  void model;
  return out;
}

function saveLoadMethods(model: ModelProgram, cls: ClassContext, className: string, use: (n: string) => string): OptionalKind<MethodDeclarationStructure>[] {
  const entry = (s: StateTensor) => `${propertyKey(s.name)}: { dtype: ${stringLiteral(s.dtype === "i32" ? "I32" : "F32")}, shape: [${s.shape.join(", ")}], data: ${stateView(cls, model, s.name)} }`;
  const saved = model.state.filter((s) => s.role !== "optimizer");
  const opt = model.state.filter((s) => s.role === "optimizer");
  const saveBytes = [
    `const tensors: Record<string, ${use("Tensor")}> = { ${saved.map(entry).join(", ")} };`,
    ...(opt.length > 0
      ? [`if (options.optimizer) Object.assign(tensors, { ${opt.map(entry).join(", ")} });`]
      : []),
    `return ${use("serializeSafetensors")}(tensors, { ...options.metadata, "dlm.model": ${stringLiteral(model.name)}, "dlm.step": String(this.stepCount) });`,
  ];
  const loadBytes = [
    `const checkpoint = ${use("parseSafetensors")}(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), source);`,
    ...(model.state.length > 0 ? [`const t = checkpoint.tensors;`] : []),
    ...model.state.map((s) => {
      const read = `${use(s.dtype === "i32" ? "i32Tensor" : "f32Tensor")}(t, ${stringLiteral(s.name)}, ${sizeOf(s.shape)}, source)`;
      const view = stateView(cls, model, s.name);
      return s.role === "optimizer"
        ? `if (${stringLiteral(s.name)} in t) ${view}.set(${read});`
        : `${view}.set(${read});`;
    }),
    // The step count (Adam's bias correction, the schedule) resumes only with the optimizer state it
    // belongs to; weights alone start a fresh run.
    ...(opt.length > 0
      ? [`const resumed = ${opt.map((s) => `${stringLiteral(s.name)} in t`).join(" && ")};`, `const step = resumed ? Number(checkpoint.metadata["dlm.step"] ?? "0") : 0;`]
      : [`const step = Number(checkpoint.metadata["dlm.step"] ?? "0");`]),
    `this.stepCount = Number.isSafeInteger(step) && step >= 0 ? step : 0;`,
  ];
  // By path: the file functions of dlm/runtime/node, imported when called (checkpointFiles), so the
  // module's static imports stay platform-neutral and a browser bundle never contains node:fs.
  const save = [`await (await ${use("checkpointFiles")}()).writeCheckpointFile(path, this.saveBytes(options));`];
  const load = [`this.loadBytes(await (await ${use("checkpointFiles")}()).readCheckpointFile(path), path);`];
  const saveOptions = "{ optimizer?: boolean; metadata?: Readonly<Record<string, string>> }";
  void className;
  return [
    method("saveBytes", saveBytes, {
      parameters: [{ name: "options", type: saveOptions, initializer: "{}" }],
      returnType: "Uint8Array",
      docs: ["The checkpoint as safetensors bytes: parameters and buffers (with `optimizer: true`, also the optimizer state; `metadata` is stored beside dlm's own entries). Works everywhere (browsers too)."],
    }),
    method("loadBytes", loadBytes, {
      parameters: [{ name: "bytes", type: "Uint8Array | ArrayBuffer" }, { name: "source", type: "string", initializer: JSON.stringify("checkpoint") }],
      returnType: "void",
      docs: ["Reads checkpoint bytes written by `saveBytes` or `save` (names, dtypes and sizes must match; `source` names them in errors). Works everywhere (browsers too)."],
    }),
    method("save", save, {
      isAsync: true,
      parameters: [{ name: "path", type: "string" }, { name: "options", type: saveOptions, initializer: "{}" }],
      returnType: "Promise<void>",
      docs: ["Writes `saveBytes(options)` to a file, atomically (Node only; elsewhere use `saveBytes`)."],
    }),
    method("load", load, {
      isAsync: true,
      parameters: [{ name: "path", type: "string" }],
      returnType: "Promise<void>",
      docs: ["Reads a checkpoint file written by `save` (Node only; elsewhere use `loadBytes`)."],
    }),
  ];
}
