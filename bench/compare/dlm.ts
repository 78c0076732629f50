// dlm's own contender, TypeScript target: the protocol's MLP and CNN written in .dlm, put through the
// whole pipeline (front end → lowering → optimizing passes → TypeScript emitter), loaded in memory and
// driven through the generated class's public API: trainStep(batch) for one Adam step on 64 examples,
// predict(inputs) on 256 examples (the class runs them in chunks of its compiled batch, as users would).
//
// The compiler is imported lazily so the rest of the harness (and its tests) never load it.

import type { Contender, ContenderSource, Skipped, Workload } from "./protocol.js";
import { LEARNING_RATE, TRAIN_BATCH, reasonOf } from "./protocol.js";
import { isSequenceWorkload } from "./sequence-workloads.js";
import { makeDlmSequence } from "./dlm-sequence.js";

/** The protocol in dlm's language. The data blocks only give the train blocks their fields' types. */
export const PROTOCOL_SOURCE = `
model BenchMlp {
  input  image: f32[B, 784]
  output logits: f32[B, 10]

  logits = image |> Dense(256) |> relu |> Dense(128) |> relu |> Dense(10)
}

model BenchCnn {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]

  logits = image
    |> Conv2d(32, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> Conv2d(64, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> flatten |> Dense(128) |> relu |> Dense(10)
}

data Flat = mnist() |> map(image: reshape(image, [784]))
data Images = mnist() |> map(image: reshape(image, [1, 28, 28]))

train BenchMlp on Flat {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: ${LEARNING_RATE})
  batch     ${TRAIN_BATCH}
  epochs    1
  seed      1
}

train BenchCnn on Images {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: ${LEARNING_RATE})
  batch     ${TRAIN_BATCH}
  epochs    1
  seed      1
}
`;

const CLASS_OF: Partial<Record<Workload["name"], string>> = { mlp: "BenchMlp", cnn: "BenchCnn" };

/** The part of a generated model class the bench (and its test) uses. */
export interface GeneratedModel {
  trainStep(batch: Record<string, Float32Array | Int32Array>): { loss: number };
  predict(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
  parameters(): Record<string, Float32Array>;
}
export interface GeneratedClass {
  batch: number;
  create(options?: { seed?: number }): Promise<GeneratedModel>;
}

type Target = "ts" | "wasm";
const compiled = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Compiles PROTOCOL_SOURCE once per process, target and model; throws with the first diagnostic if it does
 * not compile. Each model is compiled on its own, so one workload's module holds only its own steps.
 */
function compileProtocol(target: Target, model: string): Promise<Record<string, unknown>> {
  const key = `${target}:${model}`;
  let module = compiled.get(key);
  if (module) return module;
  module = (async () => {
    const { frontEnd } = await import("../../compiler/frontend.js");
    const { lowerProgram } = await import("../../compiler/lower/index.js");
    const { optimizeProgram } = await import("../../compiler/pipeline.js");
    const { loadCompiled } = await import("../../compiler/emit/ts/load.js");
    const file = "bench-protocol.dlm";
    const front = frontEnd(PROTOCOL_SOURCE, file);
    const firstError = (ds: readonly { severity: string; message: string }[]) => ds.find((d) => d.severity === "error");
    const e1 = firstError(front.diagnostics);
    if (e1) throw new Error(`protocol source does not check: ${e1.message}`);
    const lowered = lowerProgram(front.checked, file);
    const e2 = firstError(lowered.diagnostics);
    if (e2) throw new Error(`protocol source does not lower: ${e2.message}`);
    const all = optimizeProgram(lowered.program).program;
    const program = { ...all, models: all.models.filter((m) => m.name === model) };
    if (target === "wasm") {
      const { loadCompiledWasm } = await import("../../compiler/emit/wasm/program/index.js");
      return loadCompiledWasm(program);
    }
    return loadCompiled(program);
  })();
  compiled.set(key, module);
  return module;
}

/** Uniform [0, 1) floats and labels in [0, classes), from a fixed LCG (the figures do not depend on it). */
function randomData(count: number, perExample: number, classes: number): { x: Float32Array; label: Int32Array } {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const x = new Float32Array(count * perExample);
  for (let i = 0; i < x.length; i++) x[i] = next();
  const label = new Int32Array(count);
  for (let i = 0; i < count; i++) label[i] = Math.floor(next() * classes);
  return { x, label };
}

/** The compiled class of a workload's protocol model (throws if dlm cannot compile it). */
export async function protocolClass(workload: Workload, target: Target = "ts"): Promise<GeneratedClass> {
  const name = CLASS_OF[workload.name];
  if (!name) throw new Error(`no protocol model for workload ${workload.name}`);
  const module = await compileProtocol(target, name);
  const cls = module[name] as GeneratedClass | undefined;
  if (!cls) throw new Error(`the generated module has no class ${name}`);
  return cls;
}

async function makeDlm(workload: Workload, target: Target): Promise<Contender | Skipped> {
  if (isSequenceWorkload(workload)) return makeDlmSequence(workload, target);
  let cls: GeneratedClass;
  try {
    cls = await protocolClass(workload, target);
  } catch (error) {
    return { skipped: `dlm could not compile the protocol models: ${reasonOf(error)}` };
  }
  const model = await cls.create({ seed: 1 });
  const perExample = workload.inputShape.reduce((a, b) => a * b, 1);
  const train = randomData(workload.trainBatch, perExample, workload.classes);
  const infer = randomData(workload.inferBatch, perExample, workload.classes);
  const batch = { image: train.x, label: train.label };
  const inputs = { image: infer.x };
  return {
    name: `dlm-${target}`,
    batch: cls.batch,
    predictBatch: workload.inferBatch,
    trainStep: () => void model.trainStep(batch),
    predict: () => void model.predict(inputs),
  };
}

/** dlm's TypeScript target on the protocol models: pass it in CompareOptions.contenders. */
export function dlmTsSource(): ContenderSource {
  return { name: "dlm-ts", make: (w) => makeDlm(w, "ts") };
}

/** dlm's WebAssembly target on the same protocol models (same class and API as the TS target). */
export function dlmWasmSource(): ContenderSource {
  return { name: "dlm-wasm", make: (w) => makeDlm(w, "wasm") };
}
