// The Wasm target with the relaxed-SIMD (FMA) matmul: Node 20 hides relaxed SIMD behind a V8 flag, which
// this test turns on for its own worker process; loadCompiledWasm then picks the relaxed kernel ("auto")
// and the results still match the TS target (FMA changes rounding only).

import v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { relaxedSimdSupported } from "../../compiler/emit/wasm/load.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { lowerExample } from "../emit/examples.js";
import { compareTargets } from "./compare.js";

describe("relaxed SIMD", () => {
  it("mlp and cnn match the TS target with the FMA matmul", async () => {
    if (!relaxedSimdSupported()) v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
    expect(relaxedSimdSupported()).toBe(true);
    const { program } = lowerExample("mlp", 16);
    const out = await emitWasm(program, { relaxedSimd: "auto", wat: true, format: false });
    expect(out.wat).toContain("f32x4.relaxed_madd");
    await compareTargets(program);
    await compareTargets(lowerExample("cnn", 4).program);
  }, 240_000);
});
