// The Wasm SIMD matmul against the runtime's reference triple loop: odd shapes, all four transposes,
// accumulate on and off, misaligned operands, and a small-block build so shapes cross block edges.

import { beforeAll, describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { loadWasm, createMemory } from "../../compiler/emit/wasm/load.js";
import type { BatchMatmulFn, MatmulConfig, MatmulFn } from "../../compiler/emit/wasm/kernels/matmul.js";
import { addMatmul, batchMatmulName, matmulScratchBytes } from "../../compiler/emit/wasm/kernels/matmul.js";
import { refBatchMatmul, refMatmul } from "../../runtime/kernels/reference/matmul.js";
import { Heap, randArray, rng } from "./helpers.js";

interface Built {
  matmul: MatmulFn;
  batch: BatchMatmulFn;
  heap: Heap;
  packA: number;
  packB: number;
}

async function build(config: MatmulConfig): Promise<Built> {
  const mod = await WasmModule.create();
  addMatmul(mod, config);
  const { binary } = mod.finish({ optimize: true });
  const memory = createMemory(1);
  const batchName = batchMatmulName(config);
  const { exports } = await loadWasm<Record<string, MatmulFn & BatchMatmulFn>>(binary, ["matmul", batchName], { memory });
  const heap = new Heap(memory);
  const s = matmulScratchBytes(config);
  const packA = heap.alloc(s.packA);
  const packB = heap.alloc(s.packB);
  return { matmul: exports.matmul!, batch: exports[batchName]!, heap, packA, packB };
}

const GUARD = 8;
const SENTINEL = 12345.5;

/** Runs one case; returns the largest error in units of the tolerance (≤ 1 passes). */
function runCase(w: Built, M: number, N: number, K: number, tA: boolean, tB: boolean, acc: boolean, seed: number): number {
  const rand = rng(seed);
  const a = randArray(rand, M * K);
  const b = randArray(rand, K * N);
  const c0 = randArray(rand, M * N);
  const mark = w.heap.alloc(0);
  const pa = w.heap.put(a, 4 * (seed % 4));
  const pb = w.heap.put(b, 4 * ((seed >> 2) % 4));
  // c with guard cells on both sides, to catch writes outside the tile
  const pc = w.heap.alloc((M * N + 2 * GUARD) * 4, 4 * ((seed >> 4) % 4)) + GUARD * 4;
  const cview = w.heap.f32(pc - GUARD * 4, M * N + 2 * GUARD);
  cview.fill(SENTINEL);
  w.heap.f32(pc, M * N).set(c0);
  w.matmul(pa, pb, pc, M, N, K, +tA, +tB, +acc, w.packA, w.packB);
  const got = w.heap.f32(pc, M * N).slice();
  const guards = [...cview.subarray(0, GUARD), ...cview.subarray(GUARD + M * N)];
  w.heap.reset(mark);
  expect(guards.every((x) => x === SENTINEL), "wrote outside c").toBe(true);

  const want = c0.slice();
  refMatmul(a, b, want, M, N, K, tA, tB, acc);
  // float32 sums of K terms of size ≤ 1: error grows with K; 1e-5 relative, scaled by K/16 (≥ 1)
  const kScale = Math.max(1, K / 16);
  let worst = 0;
  for (let i = 0; i < M * N; i++) {
    const tol = 1e-5 * kScale * (1 + Math.abs(want[i]!));
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / tol);
  }
  return worst;
}

const SIZES = [1, 3, 5, 17, 63, 64, 65, 130];
const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

describe.each<[string, MatmulConfig]>([
  ["default blocks", {}],
  ["small blocks (mc 8, kc 16, nc 16)", { mc: 8, kc: 16, nc: 16 }],
  ["5×8 tile", { mr: 5 }],
  ["5×8 tile, small blocks (mc 10, kc 16, nc 16)", { mr: 5, mc: 10, kc: 16, nc: 16 }],
])("wasm matmul, %s", (_label, config: MatmulConfig) => {
  let w: Built;
  beforeAll(async () => {
    w = await build(config);
  });

  it.each(TRANS)("transA=%s transB=%s: equal sizes", (tA, tB) => {
    for (const n of SIZES)
      for (const acc of [false, true]) expect(runCase(w, n, n, n, tA, tB, acc, n * 7 + +acc), `${n}³ acc=${acc}`).toBeLessThanOrEqual(1);
  });

  it.each(TRANS)("transA=%s transB=%s: random mixed sizes", (tA, tB) => {
    const rand = rng(99 + +tA * 2 + +tB);
    for (let t = 0; t < 40; t++) {
      const pick = (): number => SIZES[Math.floor(rand() * SIZES.length)]!;
      const [M, N, K] = [pick(), pick(), pick()];
      const acc = rand() < 0.5;
      expect(runCase(w, M, N, K, tA, tB, acc, t), `M=${M} N=${N} K=${K} acc=${acc}`).toBeLessThanOrEqual(1);
    }
  });

  it("K = 0 zeroes c, or leaves it when accumulating; M or N = 0 writes nothing", () => {
    expect(runCase(w, 5, 9, 0, false, false, false, 1)).toBe(0);
    expect(runCase(w, 5, 9, 0, false, true, true, 2)).toBe(0);
    expect(runCase(w, 0, 9, 4, false, false, false, 3)).toBe(0);
  });

  it("batched, with broadcast operands (stride 0) and a summed batch (strideC 0)", () => {
    const [M, N, K, batch] = [5, 9, 17, 3];
    for (const [sA, sB, sC] of <[number, number, number][]>[
      [M * K, K * N, M * N],
      [M * K, 0, M * N],
      [M * K, K * N, 0],
    ])
      for (const [tA, tB] of TRANS)
        for (const acc of [false, true]) {
          const rand = rng(sA + sB + sC + +tA + 2 * +tB);
          const mark = w.heap.alloc(0); // the packing scratch lives below
          const a = randArray(rand, Math.max(sA * batch, M * K));
          const b = randArray(rand, Math.max(sB * batch, K * N));
          const cLen = Math.max(sC * batch, M * N);
          const c0 = randArray(rand, cLen);
          const pa = w.heap.put(a);
          const pb = w.heap.put(b);
          const pc = w.heap.put(c0);
          w.batch(pa, pb, pc, batch, M, N, K, +tA, +tB, +acc, sA, sB, sC, w.packA, w.packB);
          const want = c0.slice();
          refBatchMatmul(a, b, want, batch, M, N, K, tA, tB, acc, sA, sB, sC);
          const got = w.heap.f32(pc, cLen);
          for (let i = 0; i < cLen; i++)
            expect(Math.abs(got[i]! - want[i]!), `strides ${sA},${sB},${sC} t=${tA},${tB} acc=${acc} [${i}]`).toBeLessThanOrEqual(
              1e-5 * 3 * (1 + Math.abs(want[i]!)),
            );
          w.heap.reset(mark);
        }
  });

  it("the check can fail: a wrong transpose flag is detected", () => {
    // square, so the call is legal but computes a different product
    const rand = rng(5);
    const mark = w.heap.alloc(0);
    const n = 17;
    const a = randArray(rand, n * n);
    const b = randArray(rand, n * n);
    const pa = w.heap.put(a);
    const pb = w.heap.put(b);
    const pc = w.heap.alloc(n * n * 4);
    w.matmul(pa, pb, pc, n, n, n, 0, 1, 0, w.packA, w.packB);
    const want = new Float32Array(n * n);
    refMatmul(a, b, want, n, n, n, false, false, false);
    const got = w.heap.f32(pc, n * n);
    expect(Math.max(...got.map((x, i) => Math.abs(x - want[i]!)))).toBeGreaterThan(0.1);
    w.heap.reset(mark);
  });
});
