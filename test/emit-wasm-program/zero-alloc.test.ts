// A Wasm-target trainStep allocates nothing (the technique of test/emit/zero-alloc.test.ts): with the model
// created beforehand, the typed-array and ArrayBuffer constructors are swapped for counting subclasses
// and the typed-array methods that make new arrays are wrapped, then many steps run: every count stays 0.
// This covers the JS thunks too (they run the TS target's code on views made at creation).

import { afterEach, describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { loadCompiledWasm } from "../../compiler/emit/wasm/program/load.js";
import { classNameOf } from "../../compiler/emit/ts/index.js";
import type { ModelClass } from "../emit/harness.js";
import { randomBatch } from "./helpers.js";
import { countAllocations, noAllocations, restoreAllocations } from "../support/count-allocations.js";

afterEach(restoreAllocations);

describe.each(["mlp", "cnn"])("%s (wasm) trainStep", (name) => {
  it("constructs no typed array or buffer over many steps", async () => {
    const { program } = lowerExample(name, 8);
    const model = program.models.find((m) => m.train)!;
    const mod = await loadCompiledWasm(program);
    const Model = mod[classNameOf(program, model.name)] as unknown as ModelClass;
    const m = await Model.create({ seed: 1 });
    const batch = randomBatch(model, 3);
    m.trainStep(batch);
    const counts = countAllocations();
    new Float32Array(1);
    expect(counts["Float32Array"]).toBe(1);
    counts["Float32Array"] = 0;
    let result: unknown;
    for (let i = 0; i < 50; i++) result = m.trainStep(batch);
    expect(counts).toEqual(noAllocations());
    expect(m.trainStep(batch)).toBe(result);
  }, 120_000);
});
