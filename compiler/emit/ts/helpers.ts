// Module-level code the generated file carries when it needs it: small input checks with clear messages,
// the lazy import of the checkpoint file functions (Node only), the counter-based random generator of the
// random ops, and the fit() types shared by every class.
// They are printed as text (they never vary) and only the ones a module uses are included.

import type { Helper } from "./context.js";

export const helperCode: Record<Helper, string> = {
  checkExamples: `
/** Checks one predict input (a typed array of whole examples) and returns its example count. */
function checkExamples(where: string, name: string, value: unknown, type: Float32ArrayConstructor | Int32ArrayConstructor,
  perExample: number, shape: string, count: number): number {
  if (!(value instanceof type)) {
    const got = value === null ? "null" : typeof value === "object" ? value.constructor.name : typeof value;
    throw new TypeError(\`\${where}: input "\${name}" must be a \${type.name} (\${shape}), got \${got}\`);
  }
  if (value.length % perExample !== 0) {
    throw new RangeError(\`\${where}: input "\${name}" has \${value.length} values, not a whole number of examples of \${perExample} values (\${shape}, any batch size)\`);
  }
  const n = value.length / perExample;
  if (count >= 0 && n !== count) throw new RangeError(\`\${where}: input "\${name}" has \${n} examples but the inputs before it have \${count}\`);
  return n;
}`,
  f32Field: `
/** The batch buffer of a float field of the dataset, checked against what the model reads. */
function f32Field(batcher: Batcher, name: string, size: number, where: string): Float32Array {
  const buffer = batcher.buffers[name];
  if (!(buffer instanceof Float32Array) || buffer.length !== size * batcher.batchSize) {
    throw new Error(\`\${where}: the dataset needs a float field "\${name}" of \${size} values per example\`);
  }
  return buffer;
}`,
  i32Field: `
/** The batch buffer of an integer field of the dataset, checked against what the model reads. */
function i32Field(batcher: Batcher, name: string, size: number, where: string): Int32Array {
  const buffer = batcher.buffers[name];
  if (!(buffer instanceof Int32Array) || buffer.length !== size * batcher.batchSize) {
    throw new Error(\`\${where}: the dataset needs an integer field "\${name}" of \${size} values per example\`);
  }
  return buffer;
}`,
  f32Tensor: `
/** A float tensor of a checkpoint, checked by name, dtype and size. */
function f32Tensor(tensors: Record<string, Tensor>, name: string, size: number, file: string): Float32Array {
  const t = tensors[name];
  if (t === undefined) throw new Error(\`\${file}: no tensor "\${name}" in the checkpoint\`);
  if (!(t.data instanceof Float32Array) || t.data.length !== size) {
    throw new Error(\`\${file}: tensor "\${name}" is \${t.dtype}[\${t.shape.join(", ")}], expected \${size} F32 values\`);
  }
  return t.data;
}`,
  i32Tensor: `
/** An integer tensor of a checkpoint, checked by name, dtype and size. */
function i32Tensor(tensors: Record<string, Tensor>, name: string, size: number, file: string): Int32Array {
  const t = tensors[name];
  if (t === undefined) throw new Error(\`\${file}: no tensor "\${name}" in the checkpoint\`);
  if (!(t.data instanceof Int32Array) || t.data.length !== size) {
    throw new Error(\`\${file}: tensor "\${name}" is \${t.dtype}[\${t.shape.join(", ")}], expected \${size} I32 values\`);
  }
  return t.data;
}`,
  checkpointFiles: `
/** The checkpoint file functions of dlm/runtime/node, imported only when save(path) or load(path) runs. */
async function checkpointFiles(): Promise<{
  writeCheckpointFile(path: string, bytes: Uint8Array): Promise<void>;
  readCheckpointFile(path: string): Promise<Uint8Array>;
}> {
  // A variable specifier keeps bundlers from following it: browser bundles of this module hold no node: code.
  const files = "dlm/runtime/node";
  try {
    return await import(/* webpackIgnore: true */ /* @vite-ignore */ files);
  } catch (e) {
    throw new Error(\`save(path) and load(path) need Node.js (\${files}); elsewhere use saveBytes() and loadBytes(bytes)\`, { cause: e });
  }
}`,
  uniformAt: `
/** MurmurHash3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in (0, 1) for element i of random stream \`stream\` at step \`step\`: the same on every run. */
function uniformAt(stream: number, step: number, i: number): number {
  const bits = fmix32(fmix32(fmix32(stream ^ 0x9e3779b9) ^ step) ^ i);
  return (bits >>> 8) / 16777216 + 1 / 33554432;
}`,
  normalAt: `
/** A standard normal sample (Box–Muller) for element i of a random stream at a step. */
function normalAt(stream: number, step: number, i: number): number {
  const u1 = uniformAt(stream, step, 2 * i);
  const u2 = uniformAt(stream, step, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}`,
};

export const helperOrder: readonly Helper[] = ["checkExamples", "f32Field", "i32Field", "f32Tensor", "i32Tensor", "checkpointFiles", "uniformAt", "normalAt"];

/** The runtime entries generated code names: the static one and the one save/load import when called. */
export const DEFAULT_RUNTIME = "dlm/runtime/core";
export const DEFAULT_RUNTIME_NODE = "dlm/runtime/node";

/** A helper's code, with the Node entry's specifier when it is not the default. */
export function helperText(h: Helper, runtimeNode: string | undefined): string {
  const code = helperCode[h].trim();
  return runtimeNode === undefined ? code : code.replace(JSON.stringify(DEFAULT_RUNTIME_NODE), JSON.stringify(runtimeNode));
}

export const fitTypes = `
/** Passed to \`onStep\` after every training step. */
export interface StepInfo<M> {
  epoch: number;
  step: number;
  /** The step's loss and metrics (the same object every step: copy what you keep). */
  metrics: M;
}

/**
 * Passed to \`onEpoch\` and kept in the fit history: mean training metrics (S: what a step reports, without
 * set-level metrics such as detection_map), and validation metrics (M: everything evaluate reports).
 */
export interface EpochInfo<M, S = M> {
  epoch: number;
  train: S;
  validation?: M;
}

export interface FitOptions<M, S = M> {
  epochs?: number;
  /** Seed of the per-epoch shuffling. */
  seed?: number;
  onStep?: (s: StepInfo<S>) => void;
  onEpoch?: (e: EpochInfo<M, S>) => void;
}

export interface FitResult<M, S = M> {
  epochs: EpochInfo<M, S>[];
  /** The epoch whose weights the model holds after early stopping (0 when the train block has no early_stop). */
  bestEpoch: number;
  stoppedEarly: boolean;
}`;
