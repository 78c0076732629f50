// The fast kernels of emit/wasm/program against the runtime's straightforward kernels: the SIMD 2×2
// max pool (with and without argmax; odd sizes, vector tails, NaN and ±0 ties), and the Winograd
// F(2×2, 3×3) convolution (odd sizes, paddings 0–2, chunks with a tail) against a float64 direct conv.

import { describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { loadWasmSync, pagesFor } from "../../compiler/emit/wasm/load.js";
import { addMaxPool2x2 } from "../../compiler/emit/wasm/program/pool.js";
import { addMatmul, matmulScratchBytes } from "../../compiler/emit/wasm/kernels/matmul.js";
import { addPadPlanes, addWinogradInput, addWinogradOutput, addWinogradWeights, tileStride, winogradGeometry, winogradScratch } from "../../compiler/emit/wasm/program/winograd.js";
import { expectNormClose } from "./helpers.js";
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

  it("Winograd F(2×2, 3×3) conv = direct conv (float64) within 1e-5", async () => {
    const mod = await WasmModule.create();
    addMatmul(mod, { name: "mm" });
    const names = { w: addWinogradWeights, pad: addPadPlanes, in: addWinogradInput, out: addWinogradOutput } as const;
    for (const [k, add] of Object.entries(names)) {
      add(mod, `k_${k}`);
      const n = k === "w" ? 4 : 9;
      const params = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(k, { params, result: "none", export: true }, (f, p) => [f.call(`k_${k}`, Object.values(p).map((l) => l.get()))]);
    }
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["w", "pad", "in", "out", "mm_batch"], { initialPages: pagesFor(64 << 20) });
    const scratch = matmulScratchBytes({});
    const r = rand(17);
    // [N, C, H, W, O, padH, padW, images per chunk]
    const cases = [[3, 4, 5, 7, 3, 1, 1, 2], [2, 8, 6, 6, 5, 0, 0, 2], [5, 5, 9, 4, 6, 2, 1, 3], [2, 32, 14, 14, 64, 1, 1, 1], [4, 6, 3, 3, 4, 1, 0, 4], [1, 3, 17, 10, 2, 1, 1, 1]];
    for (const [N, C, H, W, O, ph, pw, chunk] of cases as [number, number, number, number, number, number, number, number][]) {
      const g = winogradGeometry(N, C, H, W, O, [ph, pw], chunk);
      const sc = winogradScratch(g);
      const x = Float32Array.from({ length: N * C * H * W }, r);
      const wt = Float32Array.from({ length: O * C * 9 }, r);
      const ref = new Float64Array(N * O * g.oh * g.ow);
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          const [iy, ix] = [oy + ky - ph, ox + kx - pw];
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += wt[((o * C + c) * 3 + ky) * 3 + kx]! * x[((n * C + c) * H + iy) * W + ix]!;
        }
        ref[((n * O + o) * g.oh + oy) * g.ow + ox] = acc;
      }
      // byte layout: x, w, y, U, xp, V, M, packA, packB (64-aligned)
      const sizes = [x.length * 4, wt.length * 4, ref.length * 4 + 64, sc.u, sc.xp, sc.v, sc.m, scratch.packA, scratch.packB];
      const at: number[] = [];
      sizes.reduce((off, b) => (at.push(off), Math.ceil((off + b) / 64) * 64), 0);
      const [px, pwt, py, pu, pxp, pv, pm, pa, pb] = at as [number, number, number, number, number, number, number, number, number];
      const mem = new Float32Array(w.memory.buffer);
      mem.fill(NaN); // nothing read before it is written (except the padding, zeroed below)
      mem.set(x, px / 4);
      mem.set(wt, pwt / 4);
      mem.fill(0, pxp / 4, (pxp + sc.xp) / 4);
      mem.fill(123, (py + ref.length * 4) / 4, (py + ref.length * 4 + 64) / 4);
      w.exports.w!(pwt, pu, O, C);
      for (let img0 = 0; img0 < N; img0 += g.chunk) {
        const k = Math.min(g.chunk, N - img0);
        const ts = tileStride(g, k);
        w.exports.pad!(px + img0 * C * H * W * 4, pxp, k * C, H, W, g.hp, g.wp, ph, pw);
        w.exports.in!(pxp, pv, C, k, g.hp, g.wp, g.th, g.tw, ts);
        w.exports.mm_batch!(pu, pv, pm, 16, O, ts, C, 0, 0, 0, O * C, C * ts, O * ts, pa, pb);
        w.exports.out!(pm, py + img0 * O * g.oh * g.ow * 4, O, k, g.th, g.tw, ts, g.oh, g.ow);
      }
      const what = `N${N} C${C} ${H}×${W} O${O} pad ${ph},${pw} chunk ${g.chunk}`;
      expectNormClose(mem.slice(py / 4, py / 4 + ref.length), ref, what);
      expect(mem.slice((py + ref.length * 4) / 4, (py + ref.length * 4 + 64) / 4).every((v) => v === 123), `${what}: no write past y`).toBe(true);
    }
  });
});
