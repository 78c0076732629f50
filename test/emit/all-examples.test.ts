// Every example that lowers also emits, loads and computes what the float64 reference computes: predict
// and one trainStep at batch 2 (loss and metrics, then every state tensor after the step, read back
// through save({ optimizer: true })).
//
// Tolerances: state tensors are compared relative to their own scale (1e-3 of the largest element), since
// float32 rounding is relative to the values summed. Adaptive optimizers (Adam, RMSprop) divide by the
// gradient's magnitude, so a gradient that is mathematically zero (a conv bias before BatchNorm, the key
// bias of attention) but float32 noise in practice moves its weight by up to one step: for those the
// weights get a tolerance of one step, and the optimizer moments, which are linear in the gradient,
// carry the exact comparison.

import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scheduledLr } from "../../compiler/lower/schedule.js";
import type { ModelProgram, StateTensor } from "../../compiler/program/types.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import { REPO, lowerExample } from "./examples.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint } from "../../runtime/checkpoint.js";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { copyState, expectClose, loadModel, referenceStep, typeErrors } from "./harness.js";

const names = readdirSync(`${REPO}examples`).filter((f) => f.endsWith(".dlm")).map((f) => f.replace(/\.dlm$/, "")).sort();

function initial(s: StateTensor): Float64Array {
  const out = new Float64Array(sizeOf(s.shape));
  if (s.init.kind === "ones") out.fill(1);
  if (s.init.kind === "const") s.init.values.length === 1 ? out.fill(s.init.values[0]!) : out.set(s.init.values);
  return out;
}

/** Deterministic inputs: floats in [0, 1), integers 0/1 (valid class and token ids for every example). */
function fieldValues(model: ModelProgram): Record<string, Float32Array | Int32Array> {
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const f of model.fields) {
    const n = sizeOf(f.shape);
    out[f.name] = f.dtype === "i32" ? Int32Array.from({ length: n }, (_, i) => (i * 7) % 2) : Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 997) / 997);
  }
  return out;
}

describe.each(names)("examples/%s.dlm", (name) => {
  it("predict and one trainStep equal the reference (batch 2)", async () => {
    const ex = lowerExample(name, 2);
    for (const model of ex.program.models) {
      const Model = await loadModel(model, ex.file);
      const m = await Model.create({ seed: 3 });
      const params = copyState(m.parameters());
      const state: Record<string, Float64Array> = {};
      for (const s of model.state) state[s.name] = params[s.name] ?? initial(s);
      const data = fieldValues(model);

      const inputs = Object.fromEntries(model.inputs.map((t) => [t.name, data[t.name] ?? new Float32Array(sizeOf(t.shape))]));
      const got = m.predict(inputs);
      const ref = referenceStep(model.predict, inputs, state).outputs;
      for (const o of model.outputs) expectClose(got[o.name]!, ref[o.name]!, `${model.name} predict ${o.name}`, 1e-3, 1e-4);

      if (!model.train) continue;
      const host: Record<string, number[]> = {};
      for (const h of model.train.hostScalars) {
        const spec = model.training!;
        if (h.kind === "lr") host[h.name] = [scheduledLr(spec.schedule, spec.objectives[h.objective]!.optimizer.lr, { step: 0, epoch: 0, total: Infinity })];
        else if (h.kind === "bias_correction") host[h.name] = [1 - h.beta];
        else host[h.name] = [0];
      }
      const result = m.trainStep(data) as unknown as Record<string, number>;
      const r = referenceStep(model.train, { ...data, ...host }, state);
      for (const o of model.train.graph.outputs) expectClose([result[o.name]!], r.outputs[o.name]!, `${model.name} ${o.name}`, 1e-3, 1e-4);
      const lr = Math.max(...Object.entries(host).filter(([k]) => k.startsWith("lr")).map(([, v]) => v[0]!));
      const adaptive = model.training!.objectives.some((o) => o.optimizer.kind !== "sgd");
      const dir = await mkdtemp(join(tmpdir(), "dlm-ex-"));
      try {
        await m.save(join(dir, "s.safetensors"), { optimizer: true });
        const saved = (await loadCheckpoint(join(dir, "s.safetensors"))).tensors;
        for (const st of model.state) {
          const want = r.state[st.name]!;
          const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
          const step = st.role === "param" ? (adaptive ? lr : 0.02 * lr) : 0;
          // a floor for tensors whose true gradient is 0: float32 noise of a sum of O(1) terms is ~1e-8
          expectClose(saved[st.name]!.data as Float32Array, want, `${model.name} ${st.name} after one step`, 1e-3, 1e-3 * scale + step + 1e-7);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    expect(ex.program.models.length).toBeGreaterThan(0);
  }, 120_000);
});

it("every example's module type-checks under strict settings", async () => {
  const files: Record<string, string> = {};
  for (const name of names) Object.assign(files, (await emitTypeScript(lowerExample(name).program, { format: false })).files);
  expect(Object.keys(files).length).toBe(names.length);
  expect(typeErrors(files)).toEqual([]);
}, 180_000);
