// The emitted module against the float64 reference evaluator: predict and trainStep (outputs and updated
// state, several steps) on the same weights and batches; training on a separable problem lowers the loss;
// the same seed twice gives bit-identical parameters.

import { describe, expect, it } from "vitest";
import type { ModelProgram } from "../../compiler/program/types.js";
import { cnnProgram, mlpProgram } from "./programs.js";
import { copyState, expectClose, loadModel as load, referenceStep, separable } from "./harness.js";

const cases: Array<{ name: string; program: () => ModelProgram; file: string; input: string; perExample: number; fuse?: boolean }> = [
  { name: "MLP (dropout, SGD)", program: () => mlpProgram(8), file: "mlp.dlm", input: "x", perExample: 12 },
  { name: "CNN (conv, max pool, Adam)", program: () => cnnProgram(4), file: "cnn.dlm", input: "image", perExample: 36 },
  { name: "CNN without elementwise fusion", program: () => cnnProgram(4), file: "cnn.dlm", input: "image", perExample: 36, fuse: false },
];

describe.each(cases)("$name", ({ program, file, input, perExample, fuse }) => {
  const loadModel = (m: ModelProgram, f: string) => load(m, f, fuse === undefined ? {} : { fuse });
  it("predict equals the reference on the same weights, for any example count", async () => {
    const model = program();
    const Model = await loadModel(model, file);
    const m = await Model.create({ seed: 3 });
    const state = copyState(m.parameters());
    const count = model.batch * 2 + 3; // two full chunks and a padded one
    const { x } = separable(count, perExample, 3, 11);
    const got = m.predict({ [input]: x }).logits!;
    expect(got.length).toBe(count * 3);
    for (let start = 0; start < count; start += model.batch) {
      const chunk = new Float64Array(model.batch * perExample);
      chunk.set(x.subarray(start * perExample, Math.min(count, start + model.batch) * perExample));
      const ref = referenceStep(model.predict, { [input]: chunk }, state).outputs["logits"]!;
      const n = Math.min(model.batch, count - start);
      expectClose(got.subarray(start * 3, (start + n) * 3), ref.subarray(0, n * 3), `logits from ${start}`);
    }
  });

  it("trainStep equals the reference: loss, metrics and updated parameters over 3 steps", async () => {
    const model = program();
    const Model = await loadModel(model, file);
    const m = await Model.create({ seed: 5 });
    // optimizer moments start at zero, as initState makes them
    let ref: Record<string, Float64Array> = copyState(m.parameters());
    for (const s of model.state) if (s.role === "optimizer") ref[s.name] = new Float64Array(s.shape.reduce((a, b) => a * b, 1));
    const lr = model.training!.objectives[0]!.optimizer.lr;
    for (let step = 0; step < 3; step++) {
      const { x, label } = separable(model.batch, perExample, 3, 100 + step);
      const got = m.trainStep({ [input]: x, label });
      const inputs: Record<string, ArrayLike<number>> = { [input]: x, label, lr: [lr], step: [step],
        bias_correction1: [1 - 0.9 ** (step + 1)], bias_correction2: [1 - 0.999 ** (step + 1)] };
      const r = referenceStep(model.train!, inputs, ref);
      expectClose([got.loss], r.outputs["loss"]!, `loss at step ${step}`);
      expectClose([got.accuracy], r.outputs["accuracy"]!, `accuracy at step ${step}`);
      ref = r.state;
      const params = m.parameters();
      for (const [name, v] of Object.entries(params)) expectClose(v, ref[name]!, `${name} after step ${step}`, 1e-4, 1e-5);
    }
  });

  it("the loss goes down on a separable problem", async () => {
    const model = program();
    const Model = await loadModel(model, file);
    const m = await Model.create({ seed: 7 });
    const { x, label } = separable(model.batch * 8, perExample, 3, 21);
    const batches = Array.from({ length: 8 }, (_, k) => ({
      [input]: x.slice(k * model.batch * perExample, (k + 1) * model.batch * perExample),
      label: label.slice(k * model.batch, (k + 1) * model.batch),
    }));
    const epochLoss = () => batches.reduce((sum, b) => sum + m.trainStep(b).loss, 0) / batches.length;
    const first = epochLoss();
    let last = first;
    for (let e = 0; e < 15; e++) last = epochLoss();
    expect(last).toBeLessThan(first * 0.7);
  });

  it("the same seed twice gives bit-identical parameters after N steps", async () => {
    const model = program();
    const Model = await loadModel(model, file);
    const run = async (seed: number) => {
      const m = await Model.create({ seed });
      for (let step = 0; step < 5; step++) {
        const { x, label } = separable(model.batch, perExample, 3, 300 + step);
        m.trainStep({ [input]: x, label });
      }
      return Object.fromEntries(Object.entries(m.parameters()).map(([k, v]) => [k, Array.from(v)]));
    };
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
