// The Wasm target computes what the TS target computes: same seed → same initial state; forward outputs
// equal on the same weights; after one training step on the same batch every state tensor matches, which
// includes the gradients: the optimizer moments after the first Adam step are (1 − β₁)·g and (1 − β₂)·g²
// (and SGD momentum buffers hold g), so comparing them at 1e-5 compares the parameter gradients.
// Parameters themselves move by lr·g/(|g| + ε) on that first Adam step, a function that amplifies
// rounding where |g| ≈ ε, so they get an absolute allowance of 2·lr on top.

import { describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import type { ModelPlan } from "../../compiler/plan/step-values.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import { expectNormClose, loadBoth, randomBatch } from "./helpers.js";

const EXAMPLES = [
  { name: "mlp", batch: 16 },
  { name: "cnn", batch: 4 },
];

function stateOf(plan: ModelPlan, buffer: ArrayBuffer, name: string, dtype: string, length: number): Float32Array | Int32Array {
  const slot = plan.slots.find((s) => s.key === `state:${name}`)!;
  return dtype === "i32" ? new Int32Array(buffer, slot.offset, length) : new Float32Array(buffer, slot.offset, length);
}

describe.each(EXAMPLES)("$name: Wasm target vs TS target", ({ name, batch }) => {
  it("same init, same forward, same state after one train step, loss goes down", async () => {
    const { program } = lowerExample(name, batch);
    const model = program.models.find((m) => m.train) ?? program.models[0]!;
    const { ts, wasm } = await loadBoth(program, model.name);
    const plan = (await emitWasm(program, { format: false })).plans[model.name]!;
    const a = await ts.create({ seed: 5 });
    const b = await wasm.create({ seed: 5 });
    const bufA = Object.values(a.parameters())[0]!.buffer as ArrayBuffer;
    const bufB = Object.values(b.parameters())[0]!.buffer as ArrayBuffer;
    for (const st of model.state) {
      const n = sizeOf(st.shape);
      expect(stateOf(plan, bufB, st.name, st.dtype, n), `init ${st.name}`).toEqual(stateOf(plan, bufA, st.name, st.dtype, n));
    }
    const data = randomBatch(model, 11);
    const inputs = Object.fromEntries(model.inputs.map((t) => [t.name, data[t.name]!]));
    const pa = a.predict(inputs);
    const pb = b.predict(inputs);
    for (const o of model.outputs) expectNormClose(pb[o.name]!, pa[o.name]!, `predict ${o.name}`);

    const ma = { ...a.trainStep(data) };
    const mb = { ...b.trainStep(data) };
    for (const k of Object.keys(ma)) expect(mb[k as keyof typeof mb], k).toBeCloseTo(ma[k as keyof typeof ma], 4);
    const lr = model.training?.objectives[0]?.optimizer.lr ?? 0;
    for (const st of model.state) {
      const n = sizeOf(st.shape);
      const x = stateOf(plan, bufB, st.name, st.dtype, n);
      const y = stateOf(plan, bufA, st.name, st.dtype, n);
      if (st.dtype === "i32") expect(x, st.name).toEqual(y);
      else expectNormClose(x, y, `after one step: ${st.name} (${st.role})`, 1e-5, st.role === "param" ? 2 * lr : 0);
    }
    // and training works on its own: the loss on a fixed batch goes down
    const first = b.trainStep(data).loss;
    let last = first;
    for (let i = 0; i < 15; i++) last = b.trainStep(data).loss;
    expect(last).toBeLessThan(first);
  }, 120_000);
});
