// Row and column reductions against plain JS: column sums bit for bit with a sequential float32 loop,
// row sums within rounding of a float64 sum, max bit for bit with Math.max (NaN propagates).

import { beforeAll, describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm } from "../../compiler/emit/wasm/load.js";
import type { ReduceFn, ReduceOp } from "../../compiler/emit/wasm/kernels/reduce.js";
import { addReduce } from "../../compiler/emit/wasm/kernels/reduce.js";
import { Heap, randArray, rng } from "./helpers.js";

const SHAPES: [number, number][] = [[0, 3], [3, 0], [1, 1], [1, 5], [5, 1], [4, 16], [7, 17], [3, 33], [2, 64], [9, 70], [130, 3]];
const same = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);

describe("wasm reductions", () => {
  let fns: Record<string, ReduceFn>;
  let heap: Heap;
  const kernels: [string, ReduceOp, 0 | 1][] = [
    ["sum0", "sum", 0],
    ["sum1", "sum", 1],
    ["max0", "max", 0],
    ["max1", "max", 1],
  ];
  beforeAll(async () => {
    const mod = await WasmModule.create();
    for (const [name, op, axis] of kernels) addReduce(mod, { name, op, axis });
    const memory = createMemory(2);
    fns = (await loadWasm<Record<string, ReduceFn>>(mod.finish().binary, kernels.map((k) => k[0]), { memory })).exports;
    heap = new Heap(memory);
  });

  function run(name: string, x: Float32Array, rows: number, cols: number, outLen: number, init: Float32Array | null): Float32Array {
    heap.reset();
    const px = heap.put(x, 4);
    const po = heap.alloc((outLen + 2) * 4) + 4;
    const view = heap.f32(po - 4, outLen + 2);
    view.fill(555);
    if (init) heap.f32(po, outLen).set(init);
    fns[name]!(px, po, rows, cols, init ? 1 : 0);
    expect([view[0], view[outLen + 1]]).toEqual([555, 555]);
    return heap.f32(po, outLen).slice();
  }

  it.each([false, true])("sum over rows is the sequential float32 column sum (accumulate=%s)", (accumulate) => {
    const rand = rng(11);
    for (const [rows, cols] of SHAPES) {
      const x = randArray(rand, rows * cols);
      const init = accumulate ? randArray(rand, cols) : null;
      const got = run("sum0", x, rows, cols, cols, init);
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s = Math.fround(s + x[i * cols + j]!);
        const want = init ? Math.fround(init[j]! + s) : s;
        if (!same(got[j]!, want)) expect.fail(`${rows}×${cols} column ${j}: got ${got[j]}, want ${want}`);
      }
    }
  });

  it.each([false, true])("sum over columns is within rounding of the exact sum (accumulate=%s)", (accumulate) => {
    const rand = rng(12);
    for (const [rows, cols] of SHAPES) {
      const x = randArray(rand, rows * cols);
      const init = accumulate ? randArray(rand, rows) : null;
      const got = run("sum1", x, rows, cols, rows, init);
      for (let i = 0; i < rows; i++) {
        let s = init ? init[i]! : 0;
        let mag = Math.abs(s);
        for (let j = 0; j < cols; j++) {
          s += x[i * cols + j]!;
          mag += Math.abs(x[i * cols + j]!);
        }
        expect(Math.abs(got[i]! - s), `${rows}×${cols} row ${i}`).toBeLessThanOrEqual(4e-7 * (cols + 2) * mag + 1e-30);
      }
    }
  });

  it.each([0, 1] as const)("max along axis %i equals Math.max, with NaN and ±0", (axis) => {
    const rand = rng(13 + axis);
    for (const [rows, cols] of SHAPES) {
      const x = randArray(rand, rows * cols, -5, 5);
      if (x.length > 3) {
        x[2] = Number.NaN;
        x[1] = -0;
      }
      const outLen = axis === 0 ? cols : rows;
      for (const init of [null, randArray(rand, outLen, -5, 5)]) {
        const got = run(`max${axis}`, x, rows, cols, outLen, init);
        for (let o = 0; o < outLen; o++) {
          let m = -Infinity;
          const n = axis === 0 ? rows : cols;
          for (let t = 0; t < n; t++) m = Math.max(m, x[axis === 0 ? t * cols + o : o * cols + t]!);
          const want = init ? Math.max(init[o]!, m) : m;
          if (!same(got[o]!, Math.fround(want))) expect.fail(`axis ${axis} ${rows}×${cols} [${o}]: got ${got[o]}, want ${want}`);
        }
      }
    }
  });
});
