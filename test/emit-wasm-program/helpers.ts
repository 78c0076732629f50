// Shared helpers of the Wasm-target tests: load one program through both targets (TS and Wasm), seeded
// batches for any model's fields, and a norm-relative comparison of tensors.

import { expect } from "vitest";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { classNameOf } from "../../compiler/emit/ts/index.js";
import { loadCompiledWasm } from "../../compiler/emit/wasm/program/load.js";
import type { CompiledProgram, ModelProgram } from "../../compiler/program/types.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import type { ModelClass } from "../emit/harness.js";

export async function loadBoth(program: CompiledProgram, model: string): Promise<{ ts: ModelClass; wasm: ModelClass }> {
  const name = classNameOf(program, model);
  const [a, b] = await Promise.all([loadCompiled(program), loadCompiledWasm(program)]);
  const ts = a[name];
  const wasm = b[name];
  if (typeof ts !== "function" || typeof wasm !== "function") throw new Error(`no class ${name}`);
  return { ts: ts as unknown as ModelClass, wasm: wasm as unknown as ModelClass };
}

/** Seeded values for every batch field and predict input of the model: f32 in [-1, 1), i32 in {0, 1} (a valid class or token for any model). */
export function randomBatch(model: ModelProgram, seed: number): Record<string, Float32Array | Int32Array> {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const f of [...model.fields, ...model.inputs.filter((i) => !model.fields.some((x) => x.name === i.name))]) {
    const n = sizeOf(f.shape);
    out[f.name] = f.dtype === "i32" ? Int32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)) : Float32Array.from({ length: n }, () => 2 * rand() - 1);
  }
  return out;
}

/** max |a − b| ≤ rel · max |b| (+ abs): a tolerance on the tensor as a whole, blind to cancellation in single elements. */
export function expectNormClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-5, abs = 0): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = -1;
  let worstDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worstDiff) || Number.isNaN(d)) {
      worstDiff = Number.isNaN(d) ? Infinity : d;
      worst = i;
    }
  }
  if (!(worstDiff <= rel * scale + abs)) {
    expect.fail(`${what}[${worst}]: got ${actual[worst]}, TS target ${expected[worst]} (|diff| ${worstDiff}, max |TS| ${scale}, allowed ${rel * scale + abs})`);
  }
}
