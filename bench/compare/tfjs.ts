// TensorFlow.js contenders: the same architectures built with tf.sequential (layers API), trained with
// optimizer.minimize (synchronous, so no promise per step) on random data of the right shapes, on the
// 'cpu' and the 'wasm' backend. Loaded lazily: TF.js is a devDependency, and a missing package is a
// "skipped" line, not a crash. tfjs-node is not used: its install downloads a native binary.
//
// Every step runs inside tf.tidy so intermediate tensors die with it; liveObjects() reports
// tf.memory().numTensors so the harness can flag a leak.

import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Contender, ContenderSource, Skipped, Workload } from "./protocol.js";
import { LEARNING_RATE, reasonOf } from "./protocol.js";
import { isSequenceWorkload } from "./sequence-workloads.js";
import { makeTfSequence } from "./tfjs-sequence.js";

type TF = typeof import("@tensorflow/tfjs");
export type TfBackend = "cpu" | "wasm";

let tfModule: Promise<TF | string> | undefined;

/** TF.js, or why it cannot be loaded. Loaded once per process (it registers global backends). */
function loadTf(): Promise<TF | string> {
  tfModule ??= (async () => {
    try {
      const tf = await import("@tensorflow/tfjs");
      // Production mode drops TF.js's debug checks: measure it at its fastest.
      tf.enableProdMode();
      return tf;
    } catch (error) {
      return `@tensorflow/tfjs not installed: npm install (${reasonOf(error, 80)})`;
    }
  })();
  return tfModule;
}

let wasmReady: Promise<string | undefined> | undefined;

/** Registers the wasm backend with its .wasm files from the package's dist/ directory. */
function prepareWasm(): Promise<string | undefined> {
  wasmReady ??= (async () => {
    try {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(dirname(entry) + "/");
      return undefined;
    } catch (error) {
      return `@tensorflow/tfjs-backend-wasm not installed (${reasonOf(error, 80)})`;
    }
  })();
  return wasmReady;
}

async function useBackend(tf: TF, backend: TfBackend): Promise<string | undefined> {
  if (backend === "wasm") {
    const missing = await prepareWasm();
    if (missing) return missing;
  }
  try {
    if (!(await tf.setBackend(backend))) return `backend '${backend}' failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return `backend '${backend}': ${reasonOf(error, 100)}`;
  }
}

/** The workload's architecture as a tf.sequential model (exported for the architecture test). */
export function buildModel(tf: TF, workload: Workload) {
  const model = tf.sequential();
  const L = tf.layers;
  if (workload.name === "mlp") {
    model.add(L.dense({ inputShape: [...workload.inputShape], units: 256, activation: "relu" }));
    model.add(L.dense({ units: 128, activation: "relu" }));
  } else {
    model.add(L.conv2d({ inputShape: [...workload.inputShape], filters: 32, kernelSize: 3, padding: "same", activation: "relu" }));
    model.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    model.add(L.conv2d({ filters: 64, kernelSize: 3, padding: "same", activation: "relu" }));
    model.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    model.add(L.flatten());
    model.add(L.dense({ units: 128, activation: "relu" }));
  }
  model.add(L.dense({ units: workload.classes }));
  return model;
}

async function makeTfContender(backend: TfBackend, workload: Workload): Promise<Contender | Skipped> {
  const tf = await loadTf();
  if (typeof tf === "string") return { skipped: tf };
  const problem = await useBackend(tf, backend);
  if (problem) return { skipped: problem };
  if (isSequenceWorkload(workload)) return makeTfSequence(tf, backend, workload);

  const model = buildModel(tf, workload);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const x = tf.randomUniform([workload.trainBatch, ...workload.inputShape], 0, 1, "float32");
  const labels = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([workload.trainBatch], 0, workload.classes, "int32"), workload.classes).toFloat(),
  );
  const xInfer = tf.randomUniform([workload.inferBatch, ...workload.inputShape], 0, 1, "float32");

  return {
    name: `tfjs-${backend}`,
    batch: workload.trainBatch,
    predictBatch: workload.inferBatch,
    trainStep() {
      tf.tidy(() => {
        optimizer.minimize(() => {
          const logits = model.apply(x, { training: true }) as import("@tensorflow/tfjs").Tensor;
          return tf.losses.softmaxCrossEntropy(labels, logits) as import("@tensorflow/tfjs").Scalar;
        }, false);
      });
    },
    predict() {
      tf.tidy(() => {
        // Reading the result back makes the timing honest on any backend that computes lazily.
        (model.predict(xInfer) as import("@tensorflow/tfjs").Tensor).dataSync();
      });
    },
    liveObjects: () => tf.memory().numTensors,
    dispose() {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, labels, xInfer]);
    },
  };
}

export function tfjsSource(backend: TfBackend): ContenderSource {
  return { name: `tfjs-${backend}`, make: (workload) => makeTfContender(backend, workload) };
}

/** A line for the report saying which wasm build TF.js chose (SIMD, threads). */
export async function tfjsWasmFlags(): Promise<string | undefined> {
  const tf = await loadTf();
  if (typeof tf === "string" || tf.getBackend() !== "wasm") return undefined;
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return `tfjs-wasm: SIMD ${simd ? "on" : "off"}, multithread ${threads ? "on" : "off"}`;
}
