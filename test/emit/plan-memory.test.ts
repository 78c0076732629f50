// The static memory plan: simultaneously live buffers never share bytes, offsets are 64-byte aligned,
// reuse makes the arena smaller than the sum of intermediates, aliases and in-place updates take no
// memory of their own, and packing is deterministic. Properties are checked on random requests too.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALIGN, checkPlan, packBuffers, type BufferRequest } from "../../compiler/plan/plan-memory.js";
import { planModel } from "../../compiler/plan/step-values.js";
import { Builder } from "../../compiler/ir/builder.js";
import type { ModelProgram } from "../../compiler/program/types.js";
import { cnnProgram, mlpProgram } from "./programs.js";
import { lowerExample } from "./examples.js";

describe("packBuffers", () => {
  it("reuses the bytes of a dead buffer and keeps live ones apart", () => {
    const plan = packBuffers([
      { key: "a", bytes: 100, first: 0, last: 1 },
      { key: "b", bytes: 100, first: 1, last: 2 },
      { key: "c", bytes: 100, first: 2, last: 3 },
    ]);
    const at = Object.fromEntries(plan.slots.map((s) => [s.key, s.offset]));
    expect(at["a"]).not.toBe(at["b"]);
    expect(at["b"]).not.toBe(at["c"]);
    expect(at["c"]).toBe(at["a"]); // a is dead when c is made
    expect(plan.arenaBytes).toBe(256);
    expect(checkPlan(plan)).toEqual([]);
  });

  it("checkPlan finds overlapping live slots", () => {
    const bad = { arenaBytes: 128, slots: [{ key: "a", bytes: 64, first: 0, last: 5, offset: 0 }, { key: "b", bytes: 64, first: 3, last: 4, offset: 0 }] };
    expect(checkPlan(bad)).toEqual(["a and b are live together and overlap"]);
  });

  it("property: any requests give a valid plan no larger than laying them end to end", () => {
    const request = fc.record({ bytes: fc.integer({ min: 0, max: 5000 }), first: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 0, max: 15 }) });
    fc.assert(fc.property(fc.array(request, { maxLength: 40 }), (rs) => {
      const reqs: BufferRequest[] = rs.map((r, i) => ({ key: `k${i}`, bytes: r.bytes, first: r.first, last: r.first + r.len }));
      const plan = packBuffers(reqs);
      expect(checkPlan(plan)).toEqual([]);
      const naive = reqs.reduce((s, r) => s + Math.ceil(r.bytes / ALIGN) * ALIGN, 0);
      expect(plan.arenaBytes).toBeLessThanOrEqual(naive);
      expect(packBuffers(reqs)).toEqual(plan); // deterministic
    }));
  });
});

function intermediateBytes(model: ModelProgram): number {
  let sum = 0;
  for (const step of ["predict", "evaluate", "train"] as const) {
    for (const n of model[step]?.graph.nodes ?? []) {
      if (n.op !== "param" && n.op !== "const") sum += 4 * n.shape.reduce((a, b) => a * b, 1);
    }
  }
  return sum;
}

describe.each([
  ["hand-built MLP", () => mlpProgram(8)],
  ["hand-built CNN", () => cnnProgram(4)],
  ["examples/mlp.dlm", () => lowerExample("mlp").program.models[0]!],
  ["examples/cnn.dlm", () => lowerExample("cnn").program.models[0]!],
] as const)("planModel on %s", (_, make) => {
  it("has no simultaneously live overlapping slots and an arena below state + sum of intermediates", () => {
    const model = make();
    const plan = planModel(model);
    expect(checkPlan(plan)).toEqual([]);
    const state = model.state.reduce((s, t) => s + 4 * t.shape.reduce((a, b) => a * b, 1), 0);
    const intermediates = intermediateBytes(model);
    expect(plan.arenaBytes).toBeLessThan(state + intermediates);
    const stepSlots = plan.slots.filter((s) => !s.key.startsWith("state:")).reduce((a, s) => a + s.bytes, 0);
    expect(plan.arenaBytes - state).toBeLessThan(stepSlots); // reuse, not just laying out
  });
});

describe("storage decisions", () => {
  it("fuses an Adam update: its intermediates are virtual and take no memory", () => {
    const model = cnnProgram(4);
    const fused = planModel(model);
    const plain = planModel(model, () => [], { fuse: false });
    const train = fused.steps.find((s) => s.step === "train")!;
    expect(train.virtual.size).toBeGreaterThan(10);
    for (const id of train.virtual) expect(train.storage.has(id)).toBe(false);
    expect(checkPlan(fused)).toEqual([]);
    expect(fused.slots.length).toBeLessThan(plain.slots.length);
    expect(fused.arenaBytes).toBeLessThanOrEqual(plain.arenaBytes);
  });

  it("reshape and stop_gradient alias their input; a scalar const used elementwise is a literal", () => {
    const b = new Builder();
    const x = b.input("x", [2, 6]);
    const r = b.reshape(x, [3, 4]);
    const s = b.stopGradient(r);
    const y = b.scale(s, 2);
    b.output("y", y);
    const model: ModelProgram = {
      name: "M", batch: 2, inputs: [], outputs: [], fields: [], state: [],
      predict: { graph: b.graph, updates: [], hostScalars: [] },
    };
    const step = planModel(model).steps[0]!;
    expect(step.storage.get(r)).toBe(step.storage.get(x));
    expect(step.storage.get(s)).toBe(step.storage.get(x));
    const c = b.graph.nodes[y]!.inputs[1]!;
    expect(step.storage.get(c)).toEqual({ kind: "literal", value: 2 });
  });

  it("writes an SGD update in place, but not when the old value is read later", () => {
    const mk = (readLater: boolean): ModelProgram => {
      const b = new Builder();
      const w = b.param("w", [4]);
      const g = b.input("g", [4]);
      const w2 = b.sub(w, b.scale(g, 0.1));
      b.output("y", readLater ? b.mul(w, g) : g);
      return {
        name: "M", batch: 1, inputs: [], outputs: [], fields: [],
        state: [{ name: "w", dtype: "f32", shape: [4], role: "param", init: { kind: "zeros" } }],
        predict: { graph: b.graph, updates: [], hostScalars: [] },
        train: { graph: b.graph, updates: [{ state: "w", node: w2 }], hostScalars: [] },
      };
    };
    expect(planModel(mk(false)).steps.find((s) => s.step === "train")!.inPlace.has("w")).toBe(true);
    expect(planModel(mk(true)).steps.find((s) => s.step === "train")!.inPlace.has("w")).toBe(false);
  });
});
