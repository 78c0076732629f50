// The relaxed-SIMD (FMA) variant of the matmul. Node 20 hides relaxed SIMD behind a V8 flag, which
// can be turned on at run time; this test does that for its own worker process only.

import v8 from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm, relaxedSimdSupported } from "../../compiler/emit/wasm/load.js";
import type { MatmulFn } from "../../compiler/emit/wasm/kernels/matmul.js";
import { addMatmul, matmulScratchBytes } from "../../compiler/emit/wasm/kernels/matmul.js";
import { refMatmul } from "../../runtime/kernels/reference/matmul.js";
import { Heap, randArray, rng } from "./helpers.js";

describe("wasm matmul with relaxed SIMD", () => {
  let matmul: MatmulFn;
  let heap: Heap;
  let packA = 0;
  let packB = 0;
  let wat = "";
  const config = { relaxed: true, mc: 10, kc: 16, nc: 16 } as const; // mr defaults to 5 with relaxed

  beforeAll(async () => {
    if (!relaxedSimdSupported()) v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
    const mod = await WasmModule.create({ relaxedSimd: true });
    addMatmul(mod, config);
    const memory = createMemory(2);
    const built = mod.finish({ wat: true });
    wat = built.wat ?? "";
    matmul = (await loadWasm<{ matmul: MatmulFn }>(built.binary, ["matmul"], { memory })).exports.matmul;
    heap = new Heap(memory);
    const s = matmulScratchBytes(config);
    packA = heap.alloc(s.packA);
    packB = heap.alloc(s.packB);
  });

  it("is detected once the engine has it, and the kernel uses it", () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(wat.match(/f32x4\.relaxed_madd/g)?.length).toBe(10);
    expect(wat).not.toMatch(/f32x4\.mul/);
  });

  it("needs a module that allows relaxed SIMD", async () => {
    const mod = await WasmModule.create();
    expect(() => addMatmul(mod, { relaxed: true })).toThrow(/relaxedSimd: true/);
    mod.dispose();
  });

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])("matches the reference (transA=%s transB=%s)", (tA, tB) => {
    const rand = rng(3 + +tA + 2 * +tB);
    for (const [M, N, K] of [[1, 1, 1], [5, 17, 3], [17, 9, 40], [33, 65, 17]] as const)
      for (const acc of [false, true]) {
        const mark = heap.alloc(0);
        const a = randArray(rand, M * K);
        const b = randArray(rand, K * N);
        const c0 = randArray(rand, M * N);
        const pc = heap.put(c0);
        matmul(heap.put(a), heap.put(b), pc, M, N, K, +tA, +tB, +acc, packA, packB);
        const want = c0.slice();
        refMatmul(a, b, want, M, N, K, tA, tB, acc);
        const got = heap.f32(pc, M * N);
        for (let i = 0; i < M * N; i++)
          expect(Math.abs(got[i]! - want[i]!), `${M}×${N}×${K} [${i}]`).toBeLessThanOrEqual(1e-5 * Math.max(1, K / 16) * (1 + Math.abs(want[i]!)));
        heap.reset(mark);
      }
  });
});
