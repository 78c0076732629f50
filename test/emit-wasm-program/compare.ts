// The TS-vs-Wasm check shared by the numeric tests: same seed → same initial state; forward outputs equal
// on the same weights; after one training step on the same batch every state tensor matches, which
// includes the gradients: the optimizer moments after the first Adam step are (1 − β₁)·g and (1 − β₂)·g²
// (and SGD momentum buffers hold g), so comparing them at 1e-5 compares the parameter gradients.
// Parameters themselves move by lr·g/(|g| + ε) on that first Adam step, a function that amplifies
// rounding where |g| ≈ ε, so they get an absolute allowance of 2·lr on top. Then the Wasm model trains
// on its own for a few steps on the fixed batch and its loss must go down.

import { expect } from "vitest";
import type { CompiledProgram } from "../../compiler/program/types.js";
import type { ModelPlan } from "../../compiler/plan/step-values.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { expectNormClose, loadBoth, randomBatch } from "./helpers.js";

function stateOf(plan: ModelPlan, buffer: ArrayBuffer, name: string, dtype: string, length: number): Float32Array | Int32Array {
  const slot = plan.slots.find((s) => s.key === `state:${name}`)!;
  return dtype === "i32" ? new Int32Array(buffer, slot.offset, length) : new Float32Array(buffer, slot.offset, length);
}

/** Optimizer moments compared as gradients: m as is, the second moment through its square root (= |g|·√(1 − β₂)). */
const isSecondMoment = (name: string): boolean => /\.(adam_v|rms)$/.test(name);

export async function compareTargets(program: CompiledProgram, options: { trainSteps?: number; rel?: number } = {}): Promise<void> {
  const rel = options.rel ?? 1e-5;
  const model = program.models.find((m) => m.train) ?? program.models[0]!;
  const { ts, wasm } = await loadBoth(program, model.name);
  const plan = (await emitWasm(program, { format: false })).plans[model.name]!;
  const a = await ts.create({ seed: 5 });
  const b = await wasm.create({ seed: 5 });
  const anyState = (m: typeof a): ArrayBuffer => (Object.values(m.parameters())[0]!.buffer as ArrayBuffer);
  const [bufA, bufB] = [anyState(a), anyState(b)];
  for (const st of model.state) {
    const n = sizeOf(st.shape);
    expect(stateOf(plan, bufB, st.name, st.dtype, n), `init ${st.name}`).toEqual(stateOf(plan, bufA, st.name, st.dtype, n));
  }
  const data = randomBatch(model, 11);
  if (model.predict) {
    const inputs = Object.fromEntries(model.inputs.map((t) => [t.name, data[t.name]!]));
    const pa = a.predict(inputs);
    const pb = b.predict(inputs);
    for (const o of model.outputs) expectNormClose(pb[o.name]!, pa[o.name]!, `predict ${o.name}`);
  }
  if (!model.train) return;
  const ma: Record<string, number> = { ...a.trainStep(data) };
  const mb: Record<string, number> = { ...b.trainStep(data) };
  // The same figures (set-level metrics such as detection_map are in neither: evaluate reports them).
  expect(Object.keys(mb)).toEqual(Object.keys(ma));
  for (const k of Object.keys(ma)) expect(Math.abs(mb[k]! - ma[k]!), k).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ma[k]!)));
  const lr = model.training?.objectives[0]?.optimizer.lr ?? 0;
  const view = (st: (typeof model.state)[number], buf: ArrayBuffer): Float32Array | Int32Array => {
    const v = stateOf(plan, buf, st.name, st.dtype, sizeOf(st.shape));
    return st.role === "optimizer" && st.dtype === "f32" && isSecondMoment(st.name) ? v.map(Math.sqrt) : v;
  };
  // A tensor whose true gradient is 0 (a conv bias before a normalisation) holds rounding noise only: the
  // tolerance of optimizer moments has a floor relative to the largest moment of the same kind.
  const floor = new Map<boolean, number>();
  for (const st of model.state) {
    if (st.role !== "optimizer" || st.dtype !== "f32") continue;
    const k = isSecondMoment(st.name);
    let m = floor.get(k) ?? 0;
    for (const v of view(st, bufA)) m = Math.max(m, Math.abs(v));
    floor.set(k, m);
  }
  for (const st of model.state) {
    const x = view(st, bufB);
    const y = view(st, bufA);
    if (st.dtype === "i32") expect(x, st.name).toEqual(y);
    else {
      const abs = st.role === "param" ? 2 * lr : st.role === "optimizer" ? rel * (floor.get(isSecondMoment(st.name)) ?? 0) : 0;
      expectNormClose(x, y, `after one step: ${st.name} (${st.role})`, rel, abs);
    }
  }
  const steps = options.trainSteps ?? 15;
  if (steps === 0) return;
  const first = b.trainStep(data).loss;
  let last = first;
  for (let i = 0; i < steps; i++) last = b.trainStep(data).loss;
  expect(last).toBeLessThan(first);
}
