// exp, log, sigmoid and tanh in fused loops against Math.* in float64: relative error within a few ulp
// over a dense range, and the special values (±inf, NaN, 0, huge and tiny) exactly.

import { beforeAll, describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm } from "../../compiler/emit/wasm/load.js";
import type { ElementwiseFn, EwUnaryOp } from "../../compiler/emit/wasm/kernels/elementwise.js";
import { addElementwise } from "../../compiler/emit/wasm/kernels/elementwise.js";
import { Heap } from "./helpers.js";

const OPS: [EwUnaryOp, (x: number) => number, number][] = [
  // op, reference, relative tolerance
  ["exp", Math.exp, 3e-7],
  ["sigmoid", (x) => 1 / (1 + Math.exp(-x)), 5e-7],
  ["tanh", Math.tanh, 6e-7],
];

describe("wasm SIMD exp / sigmoid / tanh", () => {
  let fns: Record<string, ElementwiseFn>;
  let heap: Heap;
  beforeAll(async () => {
    const mod = await WasmModule.create();
    addElementwise(mod, { name: "log", inputs: ["full"], expr: { op: "log", x: { op: "input", index: 0 } } });
    for (const [op] of OPS) addElementwise(mod, { name: op, inputs: ["full"], expr: { op, x: { op: "input", index: 0 } } });
    // a fused use: sigmoid(x·a + b) with a scalar a and a bias row b
    addElementwise(mod, {
      name: "gate",
      inputs: ["full", "scalar", "row"],
      expr: { op: "sigmoid", x: { op: "add", a: { op: "mul", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } }, b: { op: "input", index: 2 } } },
    });
    const memory = createMemory(4);
    fns = (await loadWasm<Record<string, ElementwiseFn>>(mod.finish().binary, [...OPS.map((o) => o[0]), "gate", "log"], { memory })).exports;
    heap = new Heap(memory);
  });

  function apply(name: string, xs: Float32Array): Float32Array {
    heap.reset();
    const px = heap.put(xs);
    const po = heap.alloc(xs.length * 4);
    fns[name]!(po, px, 1, xs.length);
    return heap.f32(po, xs.length).slice();
  }

  it.each(OPS)("%s is within tolerance on [-87, 87] (relative), dense grid", (op, ref, rtol) => {
    const xs = new Float32Array(200_003);
    for (let i = 0; i < xs.length; i++) xs[i] = -87 + (174 * i) / (xs.length - 1);
    const got = apply(op, xs);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = ref(xs[i]!);
      // below the f32 normal range only the absolute error is meaningful
      const err = Math.abs(got[i]! - want) / Math.max(Math.abs(want), 1.2e-38);
      if (err > worst) [worst, at] = [err, xs[i]!];
    }
    expect(worst, `worst at x=${at}`).toBeLessThanOrEqual(rtol);
  });

  it.each(OPS)("%s near zero keeps relative accuracy", (op, ref, rtol) => {
    const xs = Float32Array.from([1e-30, -1e-30, 1e-7, -1e-7, 1e-4, -3e-3, 0.1, -0.5, 0.62, 0.63, -0.625]);
    const got = apply(op, xs);
    xs.forEach((x, i) => expect(Math.abs(got[i]! - ref(x)) / Math.abs(ref(x)), `x=${x}`).toBeLessThanOrEqual(rtol));
  });

  it("log is within 3e-7 relative over the normal range and next to 1", () => {
    const n = 200_000;
    const xs = new Float32Array(n + 2000);
    // log-spaced over [1.2e-38, 3e38], then a dense stretch around 1 where log(x) ≈ x − 1 is small
    for (let i = 0; i < n; i++) xs[i] = Math.exp(-87.3 + (176 * i) / (n - 1));
    for (let i = 0; i < 2000; i++) xs[n + i] = 1 + (i - 1000) * 2 ** -20;
    const got = apply("log", xs);
    let worst = 0;
    let at = 0;
    xs.forEach((x, i) => {
      const want = Math.log(x);
      const err = want === 0 ? Math.abs(got[i]!) : Math.abs(got[i]! - want) / Math.abs(want);
      if (err > worst) [worst, at] = [err, x];
    });
    expect(worst, `worst at x=${at}`).toBeLessThanOrEqual(3e-7);
    const special = apply("log", Float32Array.from([0, -0, -1, Infinity, -Infinity, Number.NaN, 1, Math.E]));
    expect([...special.slice(0, 2)]).toEqual([-Infinity, -Infinity]);
    expect(special[2]).toBeNaN();
    expect(special[3]).toBe(Infinity);
    expect(special[4]).toBeNaN();
    expect(special[5]).toBeNaN();
    expect(special[6]).toBe(0);
    expect(Math.abs(special[7]! - 1)).toBeLessThanOrEqual(1.2e-7);
  });

  it("special values", () => {
    const xs = Float32Array.from([0, -0, Infinity, -Infinity, Number.NaN, 100, -100, 88.8, -88.8]);
    const e = apply("exp", xs);
    expect([...e.slice(0, 4)]).toEqual([1, 1, Infinity, 0]);
    expect(e[4]).toBeNaN();
    expect([e[5], e[6], e[7], e[8]]).toEqual([Infinity, 0, Infinity, 0]);
    const s = apply("sigmoid", xs);
    expect([...s.slice(0, 4)]).toEqual([0.5, 0.5, 1, 0]);
    expect(s[4]).toBeNaN();
    expect([s[5], s[6]]).toEqual([1, 0]);
    const t = apply("tanh", xs);
    expect(Object.is(t[1], -0)).toBe(true);
    expect([t[0], t[2], t[3], t[5], t[6]]).toEqual([0, 1, -1, 1, -1]);
    expect(t[4]).toBeNaN();
  });

  it("fused sigmoid(x·a + b) with broadcasts", () => {
    const rows = 3;
    const cols = 7;
    heap.reset();
    const x = Float32Array.from({ length: rows * cols }, (_, i) => (i - 10) / 3);
    const b = Float32Array.from({ length: cols }, (_, j) => j / 5 - 0.5);
    const px = heap.put(x);
    const pa = heap.put(Float32Array.of(1.5));
    const pb = heap.put(b);
    const po = heap.alloc(rows * cols * 4);
    fns.gate!(po, px, pa, pb, rows, cols);
    const got = heap.f32(po, rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const z = Math.fround(Math.fround(x[i * cols + j]! * 1.5) + b[j]!);
        const want = 1 / (1 + Math.exp(-z));
        expect(Math.abs(got[i * cols + j]! - want) / want).toBeLessThanOrEqual(5e-7);
      }
  });
});
