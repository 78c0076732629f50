// The weights an exported graph carries as initializers: the model's initial state for a seed (drawn
// exactly as the generated class's `create({ seed })` draws it: one fork of the "init" stream per state
// tensor, by name), or the tensors of a checkpoint written by `save` / `dlm train`.

import type { ModelProgram, StateTensor } from "../../program/types.js";
import { loadCheckpoint } from "../../../runtime/checkpoint.js";
import { createRng } from "../../../runtime/rng.js";
import type { Checkpoint } from "../../../runtime/safetensors.js";
import { CheckpointError, tensorToFloat32 } from "../../../runtime/safetensors.js";

export type Weights = Record<string, Float32Array | Int32Array>;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** State tensors a step reads (its params), in the model's state order. */
function readBy(model: ModelProgram): StateTensor[] {
  const names = new Set(model.predict.graph.params.map((p) => p.name));
  return model.state.filter((s) => names.has(s.name));
}

/** The state `create({ seed })` starts from (seed: the train block's by default), for what predict reads. */
export function initialWeights(model: ModelProgram, seed = model.training?.seed ?? 0): Weights {
  const rng = createRng(seed).fork("init");
  const out: Weights = {};
  for (const st of readBy(model)) {
    const n = size(st.shape);
    const init = st.init;
    if (st.dtype === "i32") {
      out[st.name] = init.kind === "const" ? Int32Array.from(init.values.length === 1 ? new Array<number>(n).fill(init.values[0]!) : init.values)
        : new Int32Array(n).fill(init.kind === "ones" ? 1 : 0);
      continue;
    }
    const view = new Float32Array(n);
    switch (init.kind) {
      case "zeros":
        break;
      case "ones":
        view.fill(1);
        break;
      case "const":
        if (init.values.length === 1) view.fill(init.values[0]!);
        else view.set(init.values);
        break;
      case "uniform":
        rng.fork(st.name).fillUniform(view, init.low, init.high);
        break;
      case "normal":
        rng.fork(st.name).fillNormal(view, init.mean, init.std);
        break;
    }
    out[st.name] = view;
  }
  return out;
}

/** The weights predict reads, from a checkpoint file; a missing tensor or a wrong size is a CheckpointError. */
export async function checkpointWeights(model: ModelProgram, path: string): Promise<Weights> {
  return weightsFromCheckpoint(model, await loadCheckpoint(path), path);
}

/** The same from a checkpoint already read (`path` names it in errors). */
export function weightsFromCheckpoint(model: ModelProgram, checkpoint: Checkpoint, path: string): Weights {
  const saved = checkpoint.metadata["dlm.model"];
  const out: Weights = {};
  for (const st of readBy(model)) {
    const t = checkpoint.tensors[st.name];
    const whose = saved && saved !== model.name ? ` (it was saved from model ${saved}, not ${model.name})` : "";
    if (!t) throw new CheckpointError(`${path}: no tensor "${st.name}"${whose}`);
    if (t.data.length !== size(st.shape)) {
      throw new CheckpointError(`${path}: tensor "${st.name}" has shape [${t.shape.join(", ")}], ${model.name} needs [${st.shape.join(", ")}]${whose}`);
    }
    if (st.dtype === "i32") {
      if (t.dtype !== "I32") throw new CheckpointError(`${path}: tensor "${st.name}" is ${t.dtype}, ${model.name} needs I32`);
      out[st.name] = Int32Array.from(t.data as Int32Array);
    } else {
      out[st.name] = tensorToFloat32(t);
    }
  }
  return out;
}
