// The fast kernels of emit/wasm/program against the runtime's straightforward kernels: the SIMD 2×2
// max pool (with and without argmax; odd sizes, vector tails, NaN and ±0 ties), and the Winograd
// F(2×2, 3×3) convolution (odd sizes, paddings 0–2, chunks with a tail) against a float64 direct conv;
// the indexing ops (gather / scatter_add rows, take / scatter along an axis, with ignored labels and the
// position of a bad index) against the runtime kernels and a direct loop; average pooling, nearest
// upsampling (and their backward ops) and pad's placement against the runtime kernels / a direct loop;
// argmax (ties, NaN) against reduceMax's argmax, equal against ===; the softmax family along a middle
// axis against float64 loops (the TS target's formulas).

import { describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { loadWasmSync, pagesFor } from "../../compiler/emit/wasm/load.js";
import { addMaxPool2x2 } from "../../compiler/emit/wasm/program/pool.js";
import { addSoftmaxInner } from "../../compiler/emit/wasm/program/rows.js";
import { addMatmul, matmulScratchBytes } from "../../compiler/emit/wasm/kernels/matmul.js";
import { addPadPlanes, addWinogradInput, addWinogradOutput, addWinogradWeights, tileStride, winogradGeometry, winogradScratch } from "../../compiler/emit/wasm/program/winograd.js";
import { expectNormClose } from "./helpers.js";
import { gatherRows, maxPool2d, pool2dGeometry, scatterAddRows, scatterAlongLastAxis, takeAlongLastAxis } from "../../runtime/index.js";
import { addAlongAxisOp, addArgmax, addEqual, addRowsOp } from "../../compiler/emit/wasm/program/index-ops.js";
import { addAvgPool, addPlace, addUpsample, padPlan } from "../../compiler/emit/wasm/program/spatial.js";
import { avgPool2d, avgPool2dBackward, reduceMax, upsampleNearest2d, upsampleNearest2dBackward } from "../../runtime/index.js";

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
    const names = { w: addWinogradWeights, wf: (m: WasmModule, nm: string) => addWinogradWeights(m, nm, true), pad: addPadPlanes, in: addWinogradInput, out: addWinogradOutput } as const;
    for (const [k, add] of Object.entries(names)) {
      add(mod, `k_${k}`);
      const n = k === "w" || k === "wf" ? 4 : 9;
      const params = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(k, { params, result: "none", export: true }, (f, p) => [f.call(`k_${k}`, Object.values(p).map((l) => l.get()))]);
    }
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["w", "wf", "pad", "in", "out", "mm_batch"], { initialPages: pagesFor(64 << 20) });
    const scratch = matmulScratchBytes({});
    const r = rand(17);
    // [N, C, H, W, O, padH, padW, images per chunk, flip]: flip = dx of a conv with weights [C, O, 3, 3]
    // (stored as the forward conv's), i.e. the filters rotated by 180° with the channel axes swapped
    const cases = [[3, 4, 5, 7, 3, 1, 1, 2, 0], [2, 8, 6, 6, 5, 0, 0, 2, 0], [5, 5, 9, 4, 6, 2, 1, 3, 0], [2, 32, 14, 14, 64, 1, 1, 1, 0], [4, 6, 3, 3, 4, 1, 0, 4, 0],
      [1, 3, 17, 10, 2, 1, 1, 1, 0], [3, 5, 6, 7, 4, 1, 1, 2, 1], [2, 4, 5, 5, 6, 2, 0, 1, 1]];
    for (const [N, C, H, W, O, ph, pw, chunk, flip] of cases as [number, number, number, number, number, number, number, number, number][]) {
      const g = winogradGeometry(N, C, H, W, O, [ph, pw], chunk);
      const sc = winogradScratch(g);
      const x = Float32Array.from({ length: N * C * H * W }, r);
      const wt = Float32Array.from({ length: O * C * 9 }, r);
      // the effective filter of (o, c) at (ky, kx)
      const filter = (o: number, c: number, ky: number, kx: number): number =>
        flip ? wt[((c * O + o) * 3 + 2 - ky) * 3 + 2 - kx]! : wt[((o * C + c) * 3 + ky) * 3 + kx]!;
      const ref = new Float64Array(N * O * g.oh * g.ow);
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          const [iy, ix] = [oy + ky - ph, ox + kx - pw];
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += filter(o, c, ky, kx) * x[((n * C + c) * H + iy) * W + ix]!;
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
      if (flip) w.exports.wf!(pwt, pu, C, O);
      else w.exports.w!(pwt, pu, O, C);
      for (let img0 = 0; img0 < N; img0 += g.chunk) {
        const k = Math.min(g.chunk, N - img0);
        const ts = tileStride(g, k);
        w.exports.pad!(px + img0 * C * H * W * 4, pxp, k * C, H, W, g.hp, g.wp, ph, pw);
        w.exports.in!(pxp, pv, C, k, g.hp, g.wp, g.th, g.tw, ts);
        w.exports.mm_batch!(pu, pv, pm, 16, O, ts, C, 0, 0, 0, O * C, C * ts, O * ts, pa, pb);
        w.exports.out!(pm, py + img0 * O * g.oh * g.ow * 4, O, k, g.th, g.tw, ts, g.oh, g.ow);
      }
      const what = `N${N} C${C} ${H}×${W} O${O} pad ${ph},${pw} chunk ${g.chunk}${flip ? " flipped" : ""}`;
      expectNormClose(mem.slice(py / 4, py / 4 + ref.length), ref, what);
      expect(mem.slice((py + ref.length * 4) / 4, (py + ref.length * 4 + 64) / 4).every((v) => v === 123), `${what}: no write past y`).toBe(true);
    }
  });

  it("gather / scatter_add rows and take / scatter along an axis = runtime kernels and a direct loop", async () => {
    const mod = await WasmModule.create();
    addRowsOp(mod, "g", "gather");
    addRowsOp(mod, "s", "scatter_add");
    addAlongAxisOp(mod, "t", "take_along_axis");
    addAlongAxisOp(mod, "u", "scatter_along_axis");
    for (const [k, n] of [["g", 6], ["s", 6], ["t", 8], ["u", 8]] as const) {
      const params = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(`run_${k}`, { params, result: "i32", export: true }, (f, p) => [f.callValue(k, Object.values(p).map((l) => l.get()), "i32")]);
    }
    type IFn = (...args: number[]) => number;
    const w = loadWasmSync<Record<string, IFn>>(mod.finish().binary, ["run_g", "run_s", "run_t", "run_u"], { initialPages: pagesFor(1 << 22) });
    const mem = new Float32Array(w.memory.buffer);
    const ints = new Int32Array(w.memory.buffer);
    const r = rand(23);
    const [A, I, Y] = [0, 1 << 18, 1 << 19]; // float offsets of the three operands
    for (const [V, D, n] of [[7, 5, 9], [10, 16, 3], [3, 1, 4], [50, 33, 20]] as const) {
      const table = Float32Array.from({ length: V * D }, r);
      const idx = Int32Array.from({ length: n }, (_, i) => (i * 5 + 3) % V);
      mem.set(table, A);
      ints.set(idx, I);
      expect(w.exports.run_g!(4 * A, 4 * I, 4 * Y, V, D, n), "gather status").toBe(-1);
      const out = new Float32Array(n * D);
      gatherRows(table, idx, out, V, D, n);
      expect(mem.slice(Y, Y + n * D), `gather ${V}×${D} n${n}`).toEqual(out);
      // scatter_add: the caller zeroes dTable; here it starts at 0.5 to check the accumulation
      const dOut = Float32Array.from({ length: n * D }, r);
      mem.set(dOut, A);
      mem.fill(0.5, Y, Y + V * D);
      expect(w.exports.run_s!(4 * A, 4 * I, 4 * Y, V, D, n), "scatter status").toBe(-1);
      const dTable = new Float32Array(V * D).fill(0.5);
      scatterAddRows(dOut, idx, dTable, V, D, n);
      expect(mem.slice(Y, Y + V * D), `scatter_add ${V}×${D} n${n}`).toEqual(dTable);
      // a bad index: its position is returned
      ints[I + n - 2] = V;
      expect(w.exports.run_g!(4 * A, 4 * I, 4 * Y, V, D, n)).toBe(n - 2);
      ints[I + 1] = -1;
      expect(w.exports.run_s!(4 * A, 4 * I, 4 * Y, V, D, n)).toBe(1);
    }
    // along an axis: [outer, len, inner], labels with the ignore value −100 in places
    for (const [outer, len, inner] of [[6, 5, 1], [3, 4, 7], [1, 9, 2]] as const) {
      const x = Float32Array.from({ length: outer * len * inner }, r);
      const idx = Int32Array.from({ length: outer * inner }, (_, i) => (i % 4 === 3 ? -100 : (i * 7) % len));
      const take = new Float32Array(outer * inner);
      const scat = new Float32Array(outer * len * inner);
      for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) {
        const label = idx[o * inner + q]!;
        if (label === -100) continue;
        take[o * inner + q] = x[(o * len + label) * inner + q]!;
        scat[(o * len + label) * inner + q]! += x[o * inner + q]!;
      }
      if (inner === 1) {
        // the runtime's kernels agree with the direct loop where they apply
        const t2 = new Float32Array(outer);
        takeAlongLastAxis(x, idx, t2, outer, len, -100);
        expect(t2).toEqual(take);
        const s2 = new Float32Array(outer * len);
        scatterAlongLastAxis(x, idx, s2, outer, len, -100, false);
        expect(s2).toEqual(scat);
      }
      mem.set(x, A);
      ints.set(idx, I);
      mem.fill(9, Y, Y + outer * inner);
      expect(w.exports.run_t!(4 * A, 4 * I, 4 * Y, outer, len, inner, -100, 1)).toBe(-1);
      expect(mem.slice(Y, Y + outer * inner), `take ${[outer, len, inner]}`).toEqual(take);
      mem.fill(0, Y, Y + outer * len * inner);
      expect(w.exports.run_u!(4 * A, 4 * I, 4 * Y, outer, len, inner, -100, 1)).toBe(-1);
      expect(mem.slice(Y, Y + outer * len * inner), `scatter ${[outer, len, inner]}`).toEqual(scat);
      // without an ignore value, −100 is a bad label at its position
      expect(w.exports.run_t!(4 * A, 4 * I, 4 * Y, outer, len, inner, 0, 0)).toBe(idx.indexOf(-100));
      expect(w.exports.run_u!(4 * A, 4 * I, 4 * Y, outer, len, inner, 0, 0)).toBe(idx.indexOf(-100));
    }
  });

  it("avg pool, upsampling (+ backward) and pad's placement = runtime kernels / a direct loop", async () => {
    const mod = await WasmModule.create();
    addAvgPool(mod, "ap", false);
    addAvgPool(mod, "apb", true);
    addUpsample(mod, "up", false);
    addUpsample(mod, "upb", true);
    addPlace(mod, "pl");
    for (const [k, n] of [["ap", 13], ["apb", 13], ["up", 6], ["upb", 6], ["pl", 9]] as const) {
      const params = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(`run_${k}`, { params, result: "none", export: true }, (f, p) => [f.call(k, Object.values(p).map((l) => l.get()))]);
    }
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["run_ap", "run_apb", "run_up", "run_upb", "run_pl"], { initialPages: pagesFor(1 << 22) });
    const mem = new Float32Array(w.memory.buffer);
    const r = rand(31);
    const [A, Y] = [0, 1 << 19];
    for (const [n, c, h, wd, k, s, pad] of [[2, 3, 8, 8, 2, 2, 0], [1, 2, 7, 9, 3, 2, 1], [2, 1, 5, 6, 3, 1, 1], [1, 1, 4, 4, 4, 4, 2]] as const) {
      const g = pool2dGeometry(n, c, h, wd, k, k, s, s, pad, pad);
      const x = Float32Array.from({ length: n * c * h * wd }, r);
      const y = new Float32Array(n * c * g.oh * g.ow);
      avgPool2d(x, y, g);
      mem.set(x, A);
      w.exports.run_ap!(4 * A, 4 * Y, n * c, h, wd, k, k, g.oh, g.ow, s, s, pad, pad);
      expectNormClose(mem.slice(Y, Y + y.length), y, `avg pool ${[n, c, h, wd, k, s, pad]}`);
      const dy = Float32Array.from({ length: y.length }, r);
      const dx = new Float32Array(x.length).fill(5);
      avgPool2dBackward(dy, dx, g);
      mem.set(dy, A);
      mem.fill(5, Y, Y + x.length);
      w.exports.run_apb!(4 * A, 4 * Y, n * c, h, wd, k, k, g.oh, g.ow, s, s, pad, pad);
      expectNormClose(mem.slice(Y, Y + x.length), dx, `avg pool backward ${[n, c, h, wd, k, s, pad]}`);
    }
    for (const [n, c, h, wd, f] of [[2, 3, 4, 5, 2], [1, 1, 3, 3, 3], [1, 2, 2, 7, 1]] as const) {
      const x = Float32Array.from({ length: n * c * h * wd }, r);
      const y = new Float32Array(x.length * f * f);
      upsampleNearest2d(x, y, n, c, h, wd, f);
      mem.set(x, A);
      w.exports.run_up!(4 * A, 4 * Y, n * c, h, wd, f);
      expect(mem.slice(Y, Y + y.length), `upsample ${[n, c, h, wd, f]}`).toEqual(y);
      const dy = Float32Array.from({ length: y.length }, r);
      const dx = new Float32Array(x.length);
      upsampleNearest2dBackward(dy, dx, n, c, h, wd, f);
      mem.set(dy, A);
      w.exports.run_upb!(4 * A, 4 * Y, n * c, h, wd, f);
      expectNormClose(mem.slice(Y, Y + x.length), dx, `upsample backward ${[n, c, h, wd, f]}`);
    }
    const cases: [number[], [number, number][]][] = [
      [[2, 3, 4, 5], [[0, 0], [0, 0], [1, 2], [2, 1]]],
      [[3, 7], [[1, 0], [0, 3]]],
      [[2, 3, 4], [[0, 0], [2, 0], [0, 0]]],
      [[5], [[0, 0]]],
      [[2, 1, 3, 2, 2], [[0, 0], [0, 0], [1, 0], [0, 0], [0, 1]]],
    ];
    for (const [shape, pads] of cases) {
      const plan = padPlan(shape, pads)!;
      const x = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, r);
      const out = shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
      const ref = new Float32Array(out.reduce((p, d) => p * d, 1));
      // direct loop: element (multi-index) i of x goes to i + pads-before in y
      for (let flat = 0; flat < x.length; flat++) {
        let rest = flat;
        let at = 0;
        let stride = 1;
        for (let a = shape.length - 1; a >= 0; a--) {
          const i = rest % shape[a]!;
          rest = Math.floor(rest / shape[a]!);
          at += (i + pads[a]![0]) * stride;
          stride *= out[a]!;
        }
        ref[at] = x[flat]!;
      }
      mem.set(x, A);
      mem.fill(0, Y, Y + ref.length);
      w.exports.run_pl!(4 * A, 4 * Y + plan.offset, ...plan.dims, plan.rowBytes, ...plan.strides);
      expect(mem.slice(Y, Y + ref.length), `pad ${shape} ${JSON.stringify(pads)}`).toEqual(ref);
    }
  });

  it("argmax = reduceMax's argmax (ties, NaN, n = 0); equal = ===", async () => {
    const mod = await WasmModule.create();
    addArgmax(mod, "am");
    addEqual(mod, "ei", "i32");
    addEqual(mod, "ef", "f32");
    for (const [k, n] of [["am", 5], ["ei", 4], ["ef", 4]] as const) {
      const params = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(`run_${k}`, { params, result: "none", export: true }, (f, p) => [f.call(k, Object.values(p).map((l) => l.get()))]);
    }
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, ["run_am", "run_ei", "run_ef"], { initialPages: pagesFor(1 << 20) });
    const mem = new Float32Array(w.memory.buffer);
    const ints = new Int32Array(w.memory.buffer);
    for (const [outer, n, inner] of [[5, 10, 1], [2, 3, 4], [1, 1, 3], [3, 0, 2]] as const) {
      const x = Float32Array.from({ length: outer * n * inner }, (_, i) => ((i * 7) % 5) - 2);
      if (x.length > 6) x[6] = NaN;
      const y = new Float32Array(outer * inner);
      const am = new Int32Array(outer * inner);
      reduceMax(x, y, am, outer, n, inner);
      mem.set(x, 0);
      ints.fill(99, 4096, 4096 + am.length + 1);
      w.exports.run_am!(0, 4 * 4096, outer, n, inner);
      expect(ints.slice(4096, 4096 + am.length), `argmax ${[outer, n, inner]}`).toEqual(am);
      expect(ints[4096 + am.length], "no write past the output").toBe(99);
    }
    const a = Int32Array.from({ length: 11 }, (_, i) => i % 3);
    const b = Int32Array.from({ length: 11 }, (_, i) => i % 2);
    ints.set(a, 0);
    ints.set(b, 64);
    w.exports.run_ei!(0, 256, 512, 11);
    expect(Array.from(mem.slice(128, 139))).toEqual(Array.from(a, (v, i) => (v === b[i] ? 1 : 0)));
    const fa = Float32Array.of(1, NaN, -0, 2.5, Infinity);
    const fb = Float32Array.of(1, NaN, 0, 2.25, Infinity);
    mem.set(fa, 0);
    mem.set(fb, 64);
    w.exports.run_ef!(0, 256, 512, 5);
    expect(Array.from(mem.slice(128, 133))).toEqual(Array.from(fa, (v, i) => (v === fb[i] ? 1 : 0)));
  });

  it("softmax family along a middle axis = float64 loops", async () => {
    const mod = await WasmModule.create();
    const kinds = ["softmax", "log_softmax", "softmax_backward", "log_softmax_backward"] as const;
    for (const k of kinds) {
      addSoftmaxInner(mod, k, k);
      const params = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, "i32" as const]));
      mod.addFunction(`run_${k}`, { params, result: "none", export: true }, (f, p) => [f.call(k, Object.values(p).map((l) => l.get()))]);
    }
    const w = loadWasmSync<Record<string, Fn>>(mod.finish().binary, kinds.map((k) => `run_${k}`), { initialPages: pagesFor(1 << 22) });
    const mem = new Float32Array(w.memory.buffer);
    const r = rand(41);
    const [A, B, Y] = [0, 1 << 18, 1 << 19];
    for (const [outer, len, inner] of [[2, 5, 9], [3, 4, 8], [1, 7, 2], [2, 3, 5]] as const) {
      const size = outer * len * inner;
      const x = Float32Array.from({ length: size }, () => 3 * r());
      const dy = Float32Array.from({ length: size }, r);
      const at = (o: number, k: number, q: number): number => (o * len + k) * inner + q;
      const ref = Object.fromEntries(kinds.map((k) => [k, new Float64Array(size)])) as Record<(typeof kinds)[number], Float64Array>;
      for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) {
        let m = -Infinity;
        for (let k = 0; k < len; k++) m = Math.max(m, x[at(o, k, q)]!);
        let sum = 0;
        for (let k = 0; k < len; k++) sum += Math.exp(x[at(o, k, q)]! - m);
        for (let k = 0; k < len; k++) {
          ref.softmax[at(o, k, q)] = Math.exp(x[at(o, k, q)]! - m) / sum;
          ref.log_softmax[at(o, k, q)] = x[at(o, k, q)]! - m - Math.log(sum);
        }
        // backward ops with y = the float32 forward output, as the step passes it
        let dot = 0;
        let sdy = 0;
        const ys = (k: number): number => Math.fround(ref.softmax[at(o, k, q)]!);
        const yl = (k: number): number => Math.fround(ref.log_softmax[at(o, k, q)]!);
        for (let k = 0; k < len; k++) (dot += dy[at(o, k, q)]! * ys(k), sdy += dy[at(o, k, q)]!);
        for (let k = 0; k < len; k++) {
          ref.softmax_backward[at(o, k, q)] = ys(k) * (dy[at(o, k, q)]! - dot);
          ref.log_softmax_backward[at(o, k, q)] = dy[at(o, k, q)]! - Math.exp(yl(k)) * sdy;
        }
      }
      for (const k of kinds) {
        const backward = k.endsWith("backward");
        mem.set(backward ? Float32Array.from(ref[k === "softmax_backward" ? "softmax" : "log_softmax"]) : x, A);
        mem.set(dy, B);
        w.exports[`run_${k}`]!(4 * A, 4 * B, 4 * Y, outer, len, inner);
        expectNormClose(mem.slice(Y, Y + size), ref[k], `${k} ${[outer, len, inner]}`);
      }
    }
  });
});
