// onnxruntime-node contenders (inference only, 1 and 2 intra-op threads): the protocol's models (MLP, CNN,
// and the char LSTM and Transformer of the sequence workloads) as dlm exports them (compiler/emit/onnx: the
// optimized predict graph, batch axis symbolic, the initial weights of seed 1), run by onnxruntime's CPU
// provider on the workload's inference batch (256 images, 32 sequences).
//
// onnxruntime-node is not a dependency: its install script downloads GPU libraries unless
// ONNXRUNTIME_NODE_INSTALL=skip is set, which would make a plain `npm ci` fetch binaries. It is loaded only
// when it can be resolved: from DLM_ONNXRUNTIME (a directory with node_modules/onnxruntime-node, or the
// package directory itself), else by normal resolution. Otherwise the report says so in one line.
//
// Before it is timed, each session's output on the timed batch is compared with dlm's TypeScript target
// on the same weights: a contender that computes something else is skipped, not measured.

import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Contender, ContenderSource, Skipped, Workload } from "./protocol.js";
import { reasonOf } from "./protocol.js";
import type { GeneratedClass } from "./dlm.js";
import { PROTOCOL_SOURCE, protocolClass } from "./dlm.js";
import { SEQUENCE_SOURCE, randomTokens, sequenceClass } from "./dlm-sequence.js";
import { SEQ_LENGTH } from "./sequence-workloads.js";

/** The part of onnxruntime-node's API used here (the package ships its own types; it is not installed). */
interface OrtTensor {
  readonly data: ArrayLike<number>;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: "float32" | "int32", data: Float32Array | Int32Array, dims: number[]) => OrtTensor;
}

export const ONNXRUNTIME_MISSING =
  "onnxruntime: skipped (onnxruntime-node not found; install it outside the repo: mkdir -p ~/ort && cd ~/ort && ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node, then DLM_ONNXRUNTIME=~/ort)";

const PACKAGE = "onnxruntime-node";

/** Where onnxruntime-node's entry is, or undefined. */
export function resolveOnnxruntime(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  const dir = env.DLM_ONNXRUNTIME;
  if (dir) candidates.push(join(resolve(dir), "_.js"), join(resolve(dir), "node_modules", "_.js"));
  candidates.push(new URL(import.meta.url).pathname);
  for (const from of candidates) {
    try {
      return createRequire(from).resolve(PACKAGE);
    } catch {
      // try the next place
    }
  }
  // DLM_ONNXRUNTIME naming the package directory itself.
  if (dir && existsSync(join(resolve(dir), "package.json"))) {
    try {
      return createRequire(join(resolve(dir), "_.js")).resolve(resolve(dir));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function packageVersion(entry: string): string {
  for (let d = dirname(entry); d !== dirname(d); d = dirname(d)) {
    const p = join(d, "package.json");
    if (!existsSync(p)) continue;
    const json = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
    if (json.name === PACKAGE) return json.version ?? "?";
  }
  return "?";
}

let loaded: Promise<{ ort: Ort; line: string } | undefined> | undefined;

function loadOrt(): Promise<{ ort: Ort; line: string } | undefined> {
  loaded ??= (async () => {
    const entry = resolveOnnxruntime();
    if (!entry) return undefined;
    const mod = (await import(pathToFileURL(entry).href)) as { default?: Ort } & Partial<Ort>;
    const ort = (mod.default ?? mod) as Ort;
    return { ort, line: `onnxruntime: onnxruntime-node ${packageVersion(entry)} (CPU provider, inference only; the graph is dlm's ONNX export of the same model and weights)` };
  })();
  return loaded;
}

/** Per workload: the .dlm source, the model, and dlm's own class of it (the reference for the check). */
interface Protocol {
  source: string;
  model: string;
  dlmClass: (w: Workload) => Promise<GeneratedClass>;
  /** The timed batch's input (images in [0, 1), or token ids), for `count` examples of `perExample` values. */
  input: (count: number, perExample: number) => Float32Array | Int32Array;
}

const PROTOCOLS: Partial<Record<string, Protocol>> = {
  mlp: { source: PROTOCOL_SOURCE, model: "BenchMlp", dlmClass: (w) => protocolClass(w, "ts"), input: (n, per) => randomInputs(n * per) },
  cnn: { source: PROTOCOL_SOURCE, model: "BenchCnn", dlmClass: (w) => protocolClass(w, "ts"), input: (n, per) => randomInputs(n * per) },
  lstm: { source: SEQUENCE_SOURCE, model: "BenchLstm", dlmClass: (w) => sequenceClass(w, "ts"), input: (n) => randomTokens(n * SEQ_LENGTH, 3) },
  transformer: { source: SEQUENCE_SOURCE, model: "BenchTransformer", dlmClass: (w) => sequenceClass(w, "ts"), input: (n) => randomTokens(n * SEQ_LENGTH, 3) },
};

interface Exported {
  bytes: Uint8Array;
  inputName: string;
  /** One example's input shape (the batch axis dropped). */
  inputShape: number[];
  inputDtype: "f32" | "i32";
  outputName: string;
}

const exported = new Map<string, Promise<Exported>>();

/** The protocol model as dlm's ONNX export (batch axis symbolic), compiled once per process. */
function exportProtocol(source: string, model: string, trainBatch: number): Promise<Exported> {
  let e = exported.get(model);
  if (e) return e;
  e = (async () => {
    const { frontEnd } = await import("../../compiler/frontend.js");
    const { lowerProgram } = await import("../../compiler/lower/index.js");
    const { optimizeProgram } = await import("../../compiler/pipeline.js");
    const { exportOnnx, initialWeights } = await import("../../compiler/emit/onnx/index.js");
    const file = "bench-protocol.dlm";
    const front = frontEnd(source, file);
    const at = (batch: number) => {
      const m = optimizeProgram(lowerProgram(front.checked, file, { batch }).program).program.models.find((x) => x.name === model);
      if (!m) throw new Error(`the protocol source has no model ${model}`);
      return m;
    };
    const m = at(trainBatch);
    const out = exportOnnx(m, { weights: initialWeights(m, 1), other: at(trainBatch + 1) });
    if (out.batch !== "B") throw new Error(`the export has a fixed batch (${out.fixedBecause ?? "?"})`);
    const input = m.inputs[0]!;
    return { bytes: out.bytes, inputName: input.name, inputShape: input.shape.slice(1), inputDtype: input.dtype, outputName: m.outputs[0]!.name };
  })();
  exported.set(model, e);
  return e;
}

function randomInputs(count: number): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: count }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

async function makeOrt(ort: Ort, threads: number, workload: Workload): Promise<Contender | Skipped> {
  const protocol = PROTOCOLS[workload.name];
  if (!protocol) return { skipped: `no ONNX export of the ${workload.label} protocol model in this bench yet` };
  const { bytes, inputName, inputShape, inputDtype, outputName } = await exportProtocol(protocol.source, protocol.model, workload.trainBatch);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const batch = workload.inferBatch;
  const x = protocol.input(batch, inputShape.reduce((a, b) => a * b, 1));
  const feeds = { [inputName]: new ort.Tensor(inputDtype === "i32" ? "int32" : "float32", x, [batch, ...inputShape]) };

  // Same weights (seed 1) through dlm's TS target: the figures must be of the same computation.
  const dlm = await (await protocol.dlmClass(workload)).create({ seed: 1 });
  const want = dlm.predict({ [inputName]: x })[outputName]!;
  const got = (await session.run(feeds))[outputName]!.data;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(want[i]! - got[i]!));
  if (got.length !== want.length || !(diff <= 1e-4)) {
    await session.release?.();
    return { skipped: `its outputs differ from dlm's (max |Δ| ${diff.toExponential(2)})` };
  }
  return {
    name: `onnxruntime-${threads}t`,
    batch: workload.trainBatch,
    predictBatch: batch,
    trainStep: () => {
      throw new Error("inference only: the ONNX export holds the predict graph");
    },
    predict: async () => void (await session.run(feeds)),
    dispose: () => void session.release?.(),
  };
}

/**
 * The onnxruntime contenders (1 and 2 intra-op threads) if onnxruntime-node can be loaded, and the info
 * line for the report either way.
 */
export async function onnxContenders(): Promise<{ sources: ContenderSource[]; info: string }> {
  let ort: { ort: Ort; line: string } | undefined;
  try {
    ort = await loadOrt();
  } catch (error) {
    return { sources: [], info: `onnxruntime: skipped (onnxruntime-node failed to load: ${reasonOf(error, 100)})` };
  }
  if (!ort) return { sources: [], info: ONNXRUNTIME_MISSING };
  const { ort: o, line } = ort;
  const sources = [1, 2].map((threads): ContenderSource => ({ name: `onnxruntime-${threads}t`, make: (w) => makeOrt(o, threads, w) }));
  return { sources, info: line };
}
