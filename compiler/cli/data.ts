// Builds the runtime datasets a `data` declaration describes, for `dlm train`: the source, then each
// transform in order, ending in named parts (train / validation / test).
//
// Data preparation runs once before training, on the host. `map` expressions are evaluated here over whole
// fields (every example at once): reshape changes the per-example shape, and arithmetic with constants
// rescales. That covers what the examples do (`reshape(image, [1, 28, 28])`, `image / 255`); any other
// operation in a `map` is refused with a message naming it, rather than guessed at.

import type { CheckedData, DataStep, ElaboratedGraph, Config } from "../check/types.js";
import { concreteShape } from "../check/dims.js";
import { Dataset, type FieldSpec } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { loadMnist } from "../../runtime/data/mnist.js";
import { loadIdxImages, loadMnistIdxDir, FASHION_MNIST_DIR } from "../../runtime/data/idx.js";
import { createRng } from "../../runtime/rng.js";
import { digitCanvases } from "../../runtime/data/canvases.js";
import { onlyLabel } from "../../runtime/data/series.js";

export type Parts = Record<string, Dataset>;

export function loadData(data: CheckedData): Parts {
  let parts: Parts = loadSource(data);
  for (const step of data.steps) parts = applyStep(parts, step);
  return parts;
}

function loadSource(data: CheckedData): Parts {
  const { op, config } = data.source;
  switch (op) {
    case "mnist": {
      const m = loadMnist();
      return { all: new Dataset({ image: { data: m.images, shape: [28, 28] }, label: { data: m.labels, shape: [] } }) };
    }
    case "fashion_mnist": {
      const part = (name: "train" | "test") => {
        const s = loadMnistIdxDir(FASHION_MNIST_DIR, name);
        return imageSet(s.images, s.labels, s.shape);
      };
      return { train: part("train"), test: part("test") };
    }
    case "idx": {
      const s = loadIdxImages(String(config.images), String(config.labels));
      return { all: imageSet(s.images, s.labels, s.shape) };
    }
    case "digit_canvases": {
      const digits = Array.isArray(config.digits) ? (config.digits as number[]) : [1, 1];
      const options = {
        count: Number(config.count),
        size: Number(config.size),
        digits: [digits[0] ?? 1, digits[1] ?? 1] as [number, number],
        grid: typeof config.grid === "number" ? config.grid : null,
        seed: typeof config.seed === "number" ? config.seed : 0,
      };
      return { all: digitCanvases(options, loadMnist()) };
    }
    default:
      throw new DataError("", `the data source ${op}() cannot be loaded by \`dlm train\` yet`);
  }
}

/** IDX images arrive scaled to [0, 1] by the reader. */
function imageSet(images: Float32Array, labels: Int32Array, shape: readonly number[]): Dataset {
  return new Dataset({ image: { data: images, shape: [...shape] }, label: { data: labels, shape: [] } });
}

function applyStep(parts: Parts, step: DataStep): Parts {
  switch (step.op) {
    case "split":
      return split(parts, step.config);
    case "map": {
      const out: Parts = {};
      for (const [name, d] of Object.entries(parts)) out[name] = applyMap(d, step);
      return out;
    }
    case "only": {
      const out: Parts = {};
      for (const [name, d] of Object.entries(parts)) out[name] = onlyLabel(d, Number(step.config.label));
      return out;
    }
    default:
      throw new DataError("", `the data transform ${step.op}(…) cannot be run by \`dlm train\` yet`);
  }
}

function split(parts: Parts, config: Config): Parts {
  const all = parts.all;
  if (!all) throw new DataError("", "split: the data is already split");
  const sizes: Record<string, number> = {};
  let rest: string | undefined;
  for (const name of ["train", "validation", "test"]) {
    const v = config[name];
    if (v === "rest") rest = name;
    else if (typeof v === "number") sizes[name] = v;
  }
  if (rest !== undefined) {
    const used = Object.values(sizes).reduce((a, b) => a + b, 0);
    sizes[rest] = all.count - used;
  }
  // Keep the declaration's order so that boundaries are where the file says.
  const ordered: Record<string, number> = {};
  for (const name of ["train", "validation", "test"]) if (sizes[name] !== undefined) ordered[name] = sizes[name]!;
  const shuffle = config.shuffle !== false;
  const seed = typeof config.seed === "number" ? config.seed : 0;
  return all.split(ordered, shuffle ? createRng(seed).fork("split") : null);
}

/** Evaluates a map's graph over whole fields: reshape and arithmetic with constants. */
function applyMap(d: Dataset, step: DataStep): Dataset {
  const graph = step.map as ElaboratedGraph | undefined;
  if (!graph) return d;
  const values = new Map<number, FieldSpec | number>();
  for (const input of graph.inputs) {
    const f = d.fields.get(input.name);
    if (f) values.set(input.id, { data: f.data, shape: f.shape });
  }
  for (const op of graph.ops) {
    const out = op.outputs[0];
    if (!out) continue;
    const args = op.inputs.map((id) => values.get(id));
    if (op.op === "constant" && typeof op.config.value === "number") {
      values.set(out.id, op.config.value);
      continue;
    }
    const shape = concreteShape(out.shape);
    if (!shape) throw new DataError("", `map: the shape of ${op.op}(…) is not known`);
    if (op.op === "reshape" && args[0] && typeof args[0] !== "number") {
      values.set(out.id, { data: args[0].data, shape });
      continue;
    }
    const arith = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b, mul: (a: number, b: number) => a * b, div: (a: number, b: number) => a / b }[op.op as "add"];
    if (arith && args.length === 2) {
      const [a, b] = args;
      const tensor = typeof a === "number" ? b : a;
      if (tensor && typeof tensor !== "number" && (typeof a === "number" || typeof b === "number")) {
        const k = (typeof a === "number" ? a : b) as number;
        const src = tensor.data;
        const data = new Float32Array(src.length);
        for (let i = 0; i < src.length; i++) data[i] = typeof a === "number" ? arith(k, src[i]!) : arith(src[i]!, k);
        values.set(out.id, { data, shape });
        continue;
      }
    }
    throw new DataError("", `map: ${op.op}(…) is not supported in data pipelines yet (reshape and arithmetic with constants are)`);
  }
  const specs: Record<string, FieldSpec> = {};
  for (const [name, f] of d.fields) specs[name] = { data: f.data, shape: f.shape };
  for (const o of graph.outputs) {
    const v = values.get(o.id);
    if (v === undefined || typeof v === "number") throw new DataError("", `map: field '${o.name}' is not a tensor`);
    specs[o.name] = v;
  }
  return new Dataset(specs);
}
