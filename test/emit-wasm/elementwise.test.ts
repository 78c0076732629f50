// Fused elementwise loops against plain JS evaluated op by op in float32 (Math.fround after each op).
// For these ops float64-then-round equals the float32 result exactly, so the comparison is bitwise.

import { beforeAll, describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm } from "../../compiler/emit/wasm/load.js";
import type { ElementwiseFn, ElementwiseSpec, EwExpr, EwInputKind } from "../../compiler/emit/wasm/kernels/elementwise.js";
import { addElementwise } from "../../compiler/emit/wasm/kernels/elementwise.js";
import { Heap, randArray, rng } from "./helpers.js";

const fr = Math.fround;

function evalRef(e: EwExpr, x: (i: number) => number): number {
  switch (e.op) {
    case "input":
      return x(e.index);
    case "const":
      return fr(e.value);
    case "neg":
      return -evalRef(e.x, x);
    case "abs":
      return Math.abs(evalRef(e.x, x));
    case "sqrt":
      return fr(Math.sqrt(evalRef(e.x, x)));
    case "relu": {
      const v = evalRef(e.x, x);
      return v > 0 ? v : 0;
    }
    case "exp":
    case "log":
    case "sigmoid":
    case "tanh":
      throw new Error("approximate ops are tested in simd-math.test.ts");
    case "select":
      return evalRef(e.c, x) !== 0 ? evalRef(e.a, x) : evalRef(e.b, x);
    default: {
      const a = evalRef(e.a, x);
      const b = evalRef(e.b, x);
      const r = { add: a + b, sub: a - b, mul: a * b, div: a / b, min: Math.min(a, b), max: Math.max(a, b), maskPos: b > 0 ? a : 0 }[e.op];
      return fr(r);
    }
  }
}

function randomTree(rand: () => number, nInputs: number, depth: number): EwExpr {
  if (depth === 0 || rand() < 0.2)
    return rand() < 0.8 ? { op: "input", index: Math.floor(rand() * nInputs) } : { op: "const", value: Math.round(rand() * 8 - 4) / 2 };
  const r = rand();
  if (r < 0.25) {
    const op = (["neg", "abs", "sqrt", "relu"] as const)[Math.floor(rand() * 4)]!;
    return { op, x: randomTree(rand, nInputs, depth - 1) };
  }
  if (r < 0.35) return { op: "select", c: randomTree(rand, nInputs, depth - 1), a: randomTree(rand, nInputs, depth - 1), b: randomTree(rand, nInputs, depth - 1) };
  const op = (["add", "sub", "mul", "div", "min", "max", "maskPos"] as const)[Math.floor(rand() * 7)]!;
  return { op, a: randomTree(rand, nInputs, depth - 1), b: randomTree(rand, nInputs, depth - 1) };
}

const same = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);

const FIXED: ElementwiseSpec[] = [
  // relu(x·a + b) with a scalar a and a bias row b: the fused dense-layer epilogue
  {
    name: "relu_affine",
    inputs: ["full", "scalar", "row"],
    expr: { op: "relu", x: { op: "add", a: { op: "mul", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } }, b: { op: "input", index: 2 } } },
  },
  // relu backward: dy where x > 0
  { name: "relu_grad", inputs: ["full", "full"], expr: { op: "maskPos", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } } },
  { name: "add_same", inputs: ["full", "full"], expr: { op: "add", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } } },
  { name: "sub_col", inputs: ["full", "col"], expr: { op: "sub", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } } },
  // select(c, a, b) with a column condition (a mask per row), as a GAN's label smoothing might
  { name: "select_col", inputs: ["col", "full", "scalar"], expr: { op: "select", c: { op: "input", index: 0 }, a: { op: "input", index: 1 }, b: { op: "input", index: 2 } } },
  { name: "square_plus_half", inputs: ["full"], expr: { op: "add", a: { op: "mul", a: { op: "input", index: 0 }, b: { op: "input", index: 0 } }, b: { op: "const", value: 0.5 } } },
];

function randomSpecs(count: number): ElementwiseSpec[] {
  const rand = rng(4242);
  const kinds: EwInputKind[] = ["full", "scalar", "row", "col"];
  return Array.from({ length: count }, (_, n) => {
    const nIn = 1 + Math.floor(rand() * 4);
    const inputs = Array.from({ length: nIn }, (_, i) => (i === 0 ? "full" : kinds[Math.floor(rand() * kinds.length)]!));
    return { name: `rand${n}`, inputs, expr: randomTree(rand, nIn, 4) };
  });
}

describe("wasm fused elementwise", () => {
  const specs = [...FIXED, ...randomSpecs(30)];
  let fns: Record<string, ElementwiseFn>;
  let heap: Heap;
  beforeAll(async () => {
    const mod = await WasmModule.create();
    for (const s of specs) addElementwise(mod, s);
    const { binary } = mod.finish();
    const memory = createMemory(4);
    const loaded = await loadWasm<Record<string, ElementwiseFn>>(binary, specs.map((s) => s.name), { memory });
    fns = loaded.exports;
    heap = new Heap(memory);
  });

  const SHAPES: [number, number][] = [[1, 1], [1, 3], [3, 1], [4, 4], [5, 7], [2, 64], [17, 33], [0, 5]];

  it.each(specs.map((s) => [s.name, s] as const))("%s matches float32 JS bit for bit on all shapes", (_n, spec) => {
    const rand = rng(spec.name.length * 31 + 7);
    for (const [rows, cols] of SHAPES) {
      const lengths = spec.inputs.map((k) => (k === "full" ? rows * cols : k === "scalar" ? 1 : k === "row" ? cols : rows));
      const data = lengths.map((len) => randArray(rand, len, -3, 3));
      // a few exact zeros and negatives at the relu / sqrt / div edges
      for (const d of data) if (d.length > 2) d[1] = 0;
      heap.reset();
      const ptrs = data.map((d, i) => heap.put(d, 4 * (i % 4)));
      const out = heap.alloc(rows * cols * 4 + 8, 4) + 4;
      heap.f32(out - 4, rows * cols + 2).fill(777);
      fns[spec.name]!(out, ...ptrs, rows, cols);
      const got = heap.f32(out - 4, rows * cols + 2);
      expect(got[0]).toBe(777);
      expect(got[rows * cols + 1]).toBe(777);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const x = (k: number): number => {
            const kind = spec.inputs[k]!;
            const d = data[k]!;
            return kind === "full" ? d[i * cols + j]! : kind === "scalar" ? d[0]! : kind === "row" ? d[j]! : d[i]!;
          };
          const want = evalRef(spec.expr as EwExpr, x);
          const g = got[1 + i * cols + j]!;
          if (!same(g, want)) expect.fail(`${spec.name} ${rows}×${cols} at (${i},${j}): got ${g}, want ${want}`);
        }
    }
  });

  it("several outputs in one pass, updated in place: an Adam step", async () => {
    const I = (index: number): EwExpr => ({ op: "input", index });
    const K = (value: number): EwExpr => ({ op: "const", value });
    const add = (a: EwExpr, b: EwExpr): EwExpr => ({ op: "add", a, b });
    const mul = (a: EwExpr, b: EwExpr): EwExpr => ({ op: "mul", a, b });
    // inputs: 0 param, 1 grad, 2 m, 3 v, 4 lr (scalar); outputs: m', v', param'
    const m1 = add(mul(K(0.9), I(2)), mul(K(0.1), I(1)));
    const v1 = add(mul(K(0.999), I(3)), mul(K(0.001), mul(I(1), I(1))));
    const p1: EwExpr = { op: "sub", a: I(0), b: { op: "div", a: mul(I(4), m1), b: add({ op: "sqrt", x: v1 }, K(1e-8)) } };
    const mod = await WasmModule.create();
    addElementwise(mod, { name: "adam", inputs: ["full", "full", "full", "full", "scalar"], expr: [m1, v1, p1] });
    const memory = createMemory(1);
    const { exports } = await loadWasm<{ adam: ElementwiseFn }>(mod.finish().binary, ["adam"], { memory });
    const h = new Heap(memory);
    const rand = rng(77);
    const n = 37;
    const [p0, g0, m0] = [randArray(rand, n), randArray(rand, n), randArray(rand, n)];
    const v0 = randArray(rand, n, 0, 1);
    const [pp, pg, pm, pv] = [p0, g0, m0, v0].map((d) => h.put(d));
    const plr = h.put(Float32Array.of(1e-3));
    exports.adam(pm!, pv!, pp!, pp!, pg!, pm!, pv!, plr, 1, n);
    for (let i = 0; i < n; i++) {
      const x = (k: number): number => [p0[i]!, g0[i]!, m0[i]!, v0[i]!, Math.fround(1e-3)][k]!;
      expect([h.f32(pm!, n)[i], h.f32(pv!, n)[i], h.f32(pp!, n)[i]]).toEqual([evalRef(m1, x), evalRef(v1, x), evalRef(p1, x)]);
    }
  });

  it("rejects a tree that reads an input it does not have", async () => {
    const mod = await WasmModule.create();
    expect(() => addElementwise(mod, { name: "bad", inputs: ["full"], expr: { op: "input", index: 1 } })).toThrow(/no input 1/);
  });
});
