// dlm's contenders on the sequence workloads (sequence-workloads.ts): the two language models written in
// .dlm, compiled by the real pipeline for the TypeScript or the Wasm target, driven through the generated
// class (trainStep on 32 sequences of token ids and their next-character targets; predict on 32).

import type { Contender, Skipped, Workload } from "./protocol.js";
import { LEARNING_RATE, reasonOf } from "./protocol.js";
import { SEQ_BATCH, SEQ_LENGTH, SEQ_VOCAB } from "./sequence-workloads.js";
import type { GeneratedClass } from "./dlm.js";

export const SEQUENCE_SOURCE = `
model BenchLstm {
  input  tokens: i32[B, T]
  output logits: f32[B, T, ${SEQ_VOCAB}]

  logits = tokens |> Embedding(${SEQ_VOCAB}, 64) |> LSTM(128) |> Dense(${SEQ_VOCAB})
}

model BenchBlock(d: int, heads: int) {
  input  x: f32[B, T, d]
  output y: f32[B, T, d]

  h = x + (x |> LayerNorm |> SelfAttention(heads, causal: true))
  y = h + (h |> LayerNorm |> Dense(512) |> gelu |> Dense(d))
}

model BenchTransformer {
  input  tokens: i32[B, T]
  output logits: f32[B, T, ${SEQ_VOCAB}]

  logits = tokens
    |> Embedding(${SEQ_VOCAB}, 128) |> PositionalEmbedding(max: ${SEQ_LENGTH})
    |> BenchBlock(128, heads: 4)
    |> LayerNorm |> Dense(${SEQ_VOCAB})
}

// Only gives the train blocks their fields' types; never read.
data BenchText = text(file: "unused.txt") |> chars(context: ${SEQ_LENGTH}, vocab: ${SEQ_VOCAB})

train BenchLstm on BenchText {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: ${LEARNING_RATE})
  batch     ${SEQ_BATCH}
  epochs    1
  seed      1
}

train BenchTransformer on BenchText {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: ${LEARNING_RATE})
  batch     ${SEQ_BATCH}
  epochs    1
  seed      1
}
`;

const CLASS_OF: Record<string, string> = { lstm: "BenchLstm", transformer: "BenchTransformer" };
type Target = "ts" | "wasm";
const compiled = new Map<string, Promise<GeneratedClass>>();

/** The compiled class of a sequence workload (each model compiled on its own, once per process and target). */
export function sequenceClass(workload: Workload, target: Target = "ts"): Promise<GeneratedClass> {
  const name = CLASS_OF[workload.name];
  if (!name) return Promise.reject(new Error(`no sequence model for workload ${workload.name}`));
  const key = `${target}:${name}`;
  let cls = compiled.get(key);
  if (cls) return cls;
  cls = (async () => {
    const { frontEnd } = await import("../../compiler/frontend.js");
    const { lowerProgram } = await import("../../compiler/lower/index.js");
    const { optimizeProgram } = await import("../../compiler/pipeline.js");
    const file = "bench-sequence.dlm";
    const front = frontEnd(SEQUENCE_SOURCE, file);
    const e1 = front.diagnostics.find((d) => d.severity === "error");
    if (e1) throw new Error(`sequence source does not check: ${e1.message}`);
    const lowered = lowerProgram(front.checked, file);
    const e2 = lowered.diagnostics.find((d) => d.severity === "error");
    if (e2) throw new Error(`sequence source does not lower: ${e2.message}`);
    const model = lowered.program.models.find((m) => m.name === name);
    if (!model) throw new Error(`no program for ${name}`);
    const { program } = optimizeProgram({ ...lowered.program, models: [model] });
    const module =
      target === "wasm"
        ? await (await import("../../compiler/emit/wasm/program/index.js")).loadCompiledWasm(program)
        : await (await import("../../compiler/emit/ts/load.js")).loadCompiled(program);
    const c = module[name] as GeneratedClass | undefined;
    if (!c) throw new Error(`the generated module has no class ${name}`);
    return c;
  })();
  compiled.set(key, cls);
  return cls;
}

/** Token ids in [0, vocab) from a fixed LCG (the figures do not depend on them). */
export function randomTokens(count: number, seed: number): Int32Array {
  let s = seed >>> 0;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.floor((s / 4294967296) * SEQ_VOCAB);
  }
  return out;
}

export async function makeDlmSequence(workload: Workload, target: Target): Promise<Contender | Skipped> {
  let cls: GeneratedClass;
  try {
    cls = await sequenceClass(workload, target);
  } catch (error) {
    return { skipped: `dlm could not compile the ${workload.label} model: ${reasonOf(error)}` };
  }
  const model = await cls.create({ seed: 1 });
  const n = workload.trainBatch * SEQ_LENGTH;
  const batch = { tokens: randomTokens(n, 1), targets: randomTokens(n, 2) };
  const inputs = { tokens: randomTokens(workload.inferBatch * SEQ_LENGTH, 3) };
  return {
    name: `dlm-${target}`,
    batch: cls.batch,
    predictBatch: workload.inferBatch,
    trainStep: () => void model.trainStep(batch),
    predict: () => void model.predict(inputs),
  };
}
