// The Wasm kernels of this folder that the example programs may not reach in every variant, against
// the runtime's TS kernels on random data: transpose (every permutation of rank ≤ 4 with size-1 dims),
// the strided copy, and softmax / log-softmax and their backward ops on odd column counts.

import { describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { loadWasmSync, pagesFor } from "../../compiler/emit/wasm/load.js";
import { addCopy, addSoftmax, addTranspose, transposePlan } from "../../compiler/emit/wasm/program/rows.js";
import type { SoftmaxKind } from "../../compiler/emit/wasm/program/rows.js";
import { copyStrided, logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, transpose } from "../../runtime/index.js";
import { expectNormClose } from "./helpers.js";
import { addElementwise } from "../../compiler/emit/wasm/kernels/elementwise.js";
import { erfExpr } from "../../compiler/emit/wasm/program/ew-tree.js";
import { erf } from "../../runtime/math.js";
import { addUniform, fmix32 } from "../../compiler/emit/wasm/program/random.js";

type Fn = (...args: number[]) => void;

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 * 4 - 2;
  };
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe("wasm program kernels", () => {
  it("transpose = runtime transpose for every permutation of a few shapes", async () => {
    // the kernel is not exported (run functions call it): wrap it
    const mod2 = await WasmModule.create();
    addTranspose(mod2, "t");
    const params = { x: "i32", y: "i32", n0: "i32", n1: "i32", n2: "i32", n3: "i32", s0: "i32", s1: "i32", s2: "i32", s3: "i32", rows: "i32" } as const;
    mod2.addFunction("run", { params, result: "none", export: true }, (f, p) => [f.call("t", Object.values(p).map((l) => l.get()))]);
    const w = loadWasmSync<{ run: Fn }>(mod2.finish().binary, ["run"], { initialPages: pagesFor(1 << 20) });
    const r = rand(3);
    for (const shape of [[3, 1, 5, 4], [2, 3, 4], [6, 7], [2, 1, 3, 5], [4, 4, 4, 4]]) {
      for (const perm of permutations(shape.length)) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = Float32Array.from({ length: n }, r);
        const ref = new Float32Array(n);
        transpose(x, ref, Int32Array.from(shape), Int32Array.from(perm));
        const { dims, strides } = transposePlan(shape, perm);
        const rows = dims.length > 0 && strides[strides.length - 1] === 4;
        if (rows) {
          dims[dims.length - 1] = dims[dims.length - 1]! * 4;
          strides[strides.length - 1] = 0;
        }
        while (dims.length < 4) {
          dims.unshift(1);
          strides.unshift(0);
        }
        const mem = new Float32Array(w.memory.buffer);
        mem.set(x, 0);
        w.exports.run(0, 4 * n, ...dims, ...strides, rows ? 1 : 0);
        expect(mem.slice(n, 2 * n), `${shape} ${perm}`).toEqual(ref);
      }
    }
  });

  it("copy and softmax family = runtime kernels", async () => {
    const mod = await WasmModule.create();
    addCopy(mod, "c");
    const kinds: SoftmaxKind[] = ["softmax", "log_softmax", "softmax_backward", "log_softmax_backward"];
    kinds.forEach((k) => addSoftmax(mod, k, k));
    const p6 = { a: "i32", b: "i32", c: "i32", d: "i32", e: "i32", g: "i32" } as const;
    mod.addFunction("copy", { params: p6, result: "none", export: true }, (f, p) => [f.call("c", Object.values(p).map((l) => l.get()))]);
    const p5 = { a: "i32", b: "i32", c: "i32", d: "i32", e: "i32" } as const;
    for (const k of kinds) mod.addFunction(`run_${k}`, { params: p5, result: "none", export: true }, (f, p) => [f.call(k, Object.values(p).map((l) => l.get()))]);
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["copy"], { initialPages: pagesFor(1 << 20) });
    const r = rand(9);
    const mem = new Float32Array(w.memory.buffer);
    // copy: slice columns 3..10 of a [5 × 13] block
    const x = Float32Array.from({ length: 65 }, r);
    const ref = new Float32Array(35);
    copyStrided(x, ref, 5, 13, 7, 0, 7, 3);
    mem.set(x, 0);
    w.exports["copy"]!(3 * 4, 1000 * 4, 5, 13 * 4, 7 * 4, 7 * 4);
    expect(mem.slice(1000, 1035)).toEqual(ref);
    for (const cols of [1, 3, 4, 10, 17]) {
      const rows = 6;
      const n = rows * cols;
      const a = Float32Array.from({ length: n }, r);
      const b = Float32Array.from({ length: n }, r);
      for (const k of kinds) {
        const expected = new Float32Array(n);
        let input = a;
        if (k === "softmax") softmax(a, expected, rows, cols);
        if (k === "log_softmax") logSoftmax(a, expected, rows, cols);
        if (k === "softmax_backward" || k === "log_softmax_backward") {
          // a valid forward output as y
          input = new Float32Array(n);
          (k === "softmax_backward" ? softmax : logSoftmax)(a, input, rows, cols);
          (k === "softmax_backward" ? softmaxBackward : logSoftmaxBackward)(input, b, expected, rows, cols);
        }
        mem.set(input, 0);
        mem.set(b, 4096);
        w.exports[`run_${k}`]!(0, 4096 * 4, 8192 * 4, rows, cols);
        expectNormClose(mem.slice(8192, 8192 + n), expected, `${k} cols ${cols}`, 1e-6);
      }
    }
  });

  it("erf (A&S 7.1.26 on f32x4) is within 5e-7 (1.5e-7 of the formula, the rest f32 rounding) of the runtime's erf on [-6, 6]", async () => {
    const mod = await WasmModule.create();
    addElementwise(mod, { name: "erf", inputs: ["full"], expr: erfExpr(() => ({ op: "input", index: 0 })) });
    const w = loadWasmSync<{ erf: Fn }>(mod.finish().binary, ["erf"], { initialPages: 2 });
    const n = 4001;
    const mem = new Float32Array(w.memory.buffer);
    for (let i = 0; i < n; i++) mem[i] = -6 + (12 * i) / (n - 1);
    w.exports.erf(n * 4 * 2, 0, 1, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(mem[2 * n + i]! - erf(mem[i]!)));
    expect(worst).toBeLessThan(5e-7);
    expect(mem[2 * n + 2000]).toBe(0); // erf(0) = 0 exactly
  });

  it("random_uniform(0, 1) is bit for bit the TS target's uniformAt", async () => {
    const mod = await WasmModule.create();
    addUniform(mod, "u");
    const p4 = { a: "i32", b: "i32", c: "i32", d: "i32" } as const;
    mod.addFunction("run", { params: p4, result: "none", export: true }, (f, p) => [f.call("u", Object.values(p).map((l) => l.get()))]);
    const w = loadWasmSync<{ run: Fn }>(mod.finish().binary, ["run"], { initialPages: 2 });
    // the TS target's helper, written out (compiler/emit/ts/helpers.ts)
    const uniformAt = (stream: number, step: number, i: number): number =>
      (fmix32(fmix32(fmix32(stream ^ 0x9e3779b9) ^ step) ^ i) >>> 8) / 16777216 + 1 / 33554432;
    const n = 20000;
    for (const [stream, step] of [[3450266636, 0], [7, 12345], [0, -1]] as const) {
      new Int32Array(w.memory.buffer)[0] = step;
      w.exports.run(64, n, 0, fmix32((stream ^ 0x9e3779b9) >>> 0) | 0);
      const got = new Float32Array(w.memory.buffer, 64, n);
      const want = Float32Array.from({ length: n }, (_, i) => uniformAt(stream, step, i));
      expect(got).toEqual(want);
    }
  });
});
