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

const CTORS = ["ArrayBuffer", "Float32Array", "Int32Array", "Float64Array", "Uint8Array"] as const;
const METHODS = ["subarray", "slice", "map", "filter"] as const;
const restores: Array<() => void> = [];
afterEach(() => {
  while (restores.length > 0) restores.pop()!();
});

function countAllocations(): Record<string, number> {
  const counts: Record<string, number> = {};
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of CTORS) {
    const Original = g[name] as new (...args: unknown[]) => object;
    counts[name] = 0;
    g[name] = class extends Original {
      constructor(...args: unknown[]) {
        super(...args);
        counts[name]!++;
      }
    };
    restores.push(() => (g[name] = Original));
  }
  const proto = Object.getPrototypeOf(Float32Array.prototype) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of METHODS) {
    const original = proto[m]!;
    counts[m] = 0;
    proto[m] = function (this: unknown, ...args: unknown[]) {
      counts[m]!++;
      return original.apply(this, args);
    };
    restores.push(() => (proto[m] = original));
  }
  return counts;
}

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
    expect(counts).toEqual(Object.fromEntries([...CTORS, ...METHODS].map((k) => [k, 0])));
    expect(m.trainStep(batch)).toBe(result);
  }, 120_000);
});
