// The learning-rate schedule in a loop of the user's own over trainStep, on both targets: scheduleSteps
// gives the cosine schedule its run length (without it there is no decay), scheduleEpoch gives
// step_decay its epoch. With plain SGD a step's update is −lr·g, so two models that start equal and see the
// same batch show the ratio of their learning rates in the ratio of their updates.

import { describe, expect, it } from "vitest";
import type { CompiledProgram } from "../../compiler/program/types.js";
import { loadBoth, randomBatch } from "../emit-wasm-program/helpers.js";
import { lowerSource } from "./examples.js";
import type { LoadedModel } from "./harness.js";

function compile(schedule: string): CompiledProgram {
  return lowerSource(`model Tiny {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(10)
}
data Digits = mnist()
train Tiny on Digits {
  loss      cross_entropy(logits, label)
  optimizer sgd(lr: 0.1)
  schedule  ${schedule}
  batch     8
  epochs    1
}
`, "tiny.dlm").program;
}

type Scheduled = LoadedModel & { scheduleSteps?(total: number): void; scheduleEpoch?(epoch: number): void };

/** The update of one trainStep, parameter by parameter, concatenated. */
function update(m: LoadedModel, batch: Record<string, Float32Array | Int32Array>): Float64Array {
  const before = Object.values(m.parameters()).flatMap((p) => Array.from(p));
  m.trainStep(batch);
  const after = Object.values(m.parameters()).flatMap((p) => Array.from(p));
  return Float64Array.from(after, (v, i) => v - before[i]!);
}

/** The one ratio a / b of two updates (b's large entries only, where float32 rounding is small). */
function ratio(a: Float64Array, b: Float64Array): number {
  const big = Math.max(...b.map(Math.abs));
  const ratios = Array.from(b.keys()).filter((i) => Math.abs(b[i]!) > 0.1 * big).map((i) => a[i]! / b[i]!);
  expect(ratios.length).toBeGreaterThan(10);
  expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(1e-3);
  return ratios[0]!;
}

describe.each(["ts", "wasm"] as const)("%s target", (target) => {
  it("cosine: scheduleSteps(total) decays to 0 at that step; without it the rate stays at its base", async () => {
    const program = compile("cosine(warmup: 2)");
    const cls = (await loadBoth(program, "Tiny"))[target];
    const batch = randomBatch(program.models[0]!, 7);
    const planned = (await cls.create({ seed: 1 })) as Scheduled;
    const open = (await cls.create({ seed: 1 })) as Scheduled;
    planned.scheduleSteps!(4);
    // steps 0 and 1 warm up alike, step 2 is the top of the cosine: the two models stay equal
    for (let step = 0; step < 3; step++) expect(ratio(update(planned, batch), update(open, batch))).toBeCloseTo(1, 4);
    // step 3 is half-way down (½·(1 + cos(π/2)) = ½), step 4 the end of the run
    expect(ratio(update(planned, batch), update(open, batch))).toBeCloseTo(0.5, 4);
    expect(Math.max(...update(planned, batch).map(Math.abs))).toBe(0);
    expect(Math.max(...update(open, batch).map(Math.abs))).toBeGreaterThan(0);
    expect(planned.scheduleEpoch).toBeUndefined();
  });

  it("step_decay: scheduleEpoch(n) multiplies the rate by gamma per `every` epochs", async () => {
    const program = compile("step_decay(every: 2, gamma: 0.5)");
    const cls = (await loadBoth(program, "Tiny"))[target];
    const batch = randomBatch(program.models[0]!, 3);
    const [third, first, fifth] = (await Promise.all([cls.create({ seed: 1 }), cls.create({ seed: 1 }), cls.create({ seed: 1 })])) as Scheduled[];
    third!.scheduleEpoch!(2);
    fifth!.scheduleEpoch!(4);
    const base = update(first!, batch);
    expect(ratio(update(third!, batch), base)).toBeCloseTo(0.5, 4);
    expect(ratio(update(fifth!, batch), base)).toBeCloseTo(0.25, 4);
    expect(third!.scheduleSteps).toBeUndefined();
  });
});
