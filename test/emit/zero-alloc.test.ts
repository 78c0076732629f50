// trainStep allocates nothing: with the model created beforehand, the global typed-array and ArrayBuffer
// constructors are swapped for counting subclasses and the typed-array methods that make new arrays
// (subarray, slice, map, filter) are wrapped to count, then many steps run: every count must stay 0.
// A second, coarser signal: the heap barely grows over 2,000 steps (garbage accumulates in the young
// generation between collections, so per-step allocation would show up even without a leak).

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelProgram } from "../../compiler/program/types.js";
import { cnnProgram, mlpProgram } from "./programs.js";
import { loadModel, separable } from "./harness.js";
import { lowerExample } from "./examples.js";
import { countAllocations, noAllocations, restoreAllocations } from "../support/count-allocations.js";

afterEach(restoreAllocations);

function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const cases: Array<{ name: string; program: () => ModelProgram; input: string; perExample: number; steps: number }> = [
  { name: "MLP", program: () => mlpProgram(8), input: "x", perExample: 12, steps: 2000 },
  { name: "CNN", program: () => cnnProgram(4), input: "image", perExample: 36, steps: 2000 },
  // AdamW, cosine schedule, dropout: every host-side computation of a real train step
  { name: "examples/mlp.dlm", program: () => lowerExample("mlp", 2).program.models[0]!, input: "image", perExample: 784, steps: 300 },
];

describe.each(cases)("$name trainStep", ({ program, input, perExample, steps }) => {
  it("constructs no typed array or buffer over many steps", async () => {
    const model = program();
    const Model = await loadModel(model, "m.dlm");
    const m = await Model.create({ seed: 1 });
    const { x, label } = separable(model.batch, perExample, 3, 4);
    const batch = { [input]: x, label };
    m.trainStep(batch); // warm up outside the counted region
    m.trainStep(batch);
    const counts = countAllocations();
    // the counter itself works: a construction in the counted region is seen
    new Float32Array(1);
    expect(counts["Float32Array"]).toBe(1);
    counts["Float32Array"] = 0;
    let result: unknown;
    for (let i = 0; i < 200; i++) result = m.trainStep(batch);
    expect(counts).toEqual(noAllocations());
    expect(m.trainStep(batch)).toBe(result); // the same result object every step
  });

  it(`grows the heap by less than 64 KiB over ${steps} steps`, async () => {
    const model = program();
    const Model = await loadModel(model, "m.dlm");
    const m = await Model.create({ seed: 1 });
    const { x, label } = separable(model.batch, perExample, 3, 4);
    const batch = { [input]: x, label };
    // JIT compilation of the step allocates (code, feedback); let it settle first.
    for (let i = 0; i < steps; i++) m.trainStep(batch);
    const gc = gcFunction();
    // Late JIT work still allocates now and then, so take the smallest growth of eight rounds: a per-step
    // allocation (one typed-array view is > 100 bytes, > 200 KB per round) would show in every round.
    const growth: number[] = [];
    for (let round = 0; round < 8; round++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < steps; i++) m.trainStep(batch);
      growth.push(process.memoryUsage().heapUsed - before);
    }
    expect(Math.min(...growth)).toBeLessThan(64 * 1024);
  }, 60_000);
});
