// The fast kernels of emit/wasm/program against the runtime's straightforward kernels: the SIMD 2×2
// max pool (with and without argmax; odd sizes, vector tails, NaN and ±0 ties).

import { describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { loadWasmSync, pagesFor } from "../../compiler/emit/wasm/load.js";
import { addMaxPool2x2 } from "../../compiler/emit/wasm/program/pool.js";
import { maxPool2d, pool2dGeometry } from "../../runtime/index.js";

type Fn = (...args: number[]) => void;

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 4 - 2;
  };
}

describe("wasm fast kernels", () => {
  it("2×2 max pool = runtime maxPool2d (values, argmax, NaN, ±0)", async () => {
    const mod = await WasmModule.create();
    addMaxPool2x2(mod, "pa", true);
    addMaxPool2x2(mod, "pv", false);
    const params = { x: "i32", y: "i32", am: "i32", planes: "i32", h: "i32", w: "i32", oh: "i32", ow: "i32" } as const;
    for (const k of ["pa", "pv"]) mod.addFunction(`run_${k}`, { params, result: "none", export: true }, (f, p) => [f.call(k, Object.values(p).map((l) => l.get()))]);
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["run_pa", "run_pv"], { initialPages: pagesFor(1 << 22) });
    const r = rand(5);
    for (const [n, c, h, wd] of [[2, 3, 28, 28], [1, 2, 14, 14], [3, 1, 7, 9], [1, 1, 2, 2], [2, 2, 17, 32], [1, 3, 5, 3]] as const) {
      const g = pool2dGeometry(n, c, h, wd, 2, 2);
      const len = n * c * h * wd;
      const x = Float32Array.from({ length: len }, () => Math.round(r() * 3) / 2); // many ties
      for (let i = 0; i < len; i += 37) x[i] = NaN;
      for (let i = 5; i < len; i += 23) x[i] = -0;
      const out = n * c * g.oh * g.ow;
      const y = new Float32Array(out);
      const am = new Int32Array(out);
      maxPool2d(x, y, am, g);
      const mem = new Float32Array(w.memory.buffer);
      const ints = new Int32Array(w.memory.buffer);
      const [py, pa] = [len, len + out];
      for (const k of ["pa", "pv"]) {
        mem.set(x, 0);
        mem.fill(7, len, len + 2 * out);
        w.exports[`run_${k}`]!(0, 4 * py, 4 * pa, n * c, h, wd, g.oh, g.ow);
        const got = mem.slice(py, py + out);
        // Object.is: NaN equals NaN, −0 differs from +0
        for (let i = 0; i < out; i++) expect(Object.is(got[i], y[i]), `${k} ${[n, c, h, wd]} [${i}]: ${got[i]} vs ${y[i]}`).toBe(true);
        if (k === "pa") expect(ints.slice(pa, pa + out), `argmax ${[n, c, h, wd]}`).toEqual(am);
        else expect(mem.slice(pa, pa + out).every((v) => v === 7), "no argmax written").toBe(true);
      }
    }
  });
});
