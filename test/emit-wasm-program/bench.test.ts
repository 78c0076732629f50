// Training throughput, TS target vs Wasm target, on examples/mlp.dlm and examples/cnn.dlm at batch 64
// (random data; the numbers do not depend on it). Skipped unless DLM_BENCH=1:
//   DLM_BENCH=1 npx vitest run test/emit-wasm-program/bench.test.ts   (DLM_BENCH_EXAMPLES=char-lstm,transformer for others)
// Rounds alternate the targets (the machine is shared); the median of the rounds is printed.
// DLM_BENCH_RELAXED=1 turns on V8's relaxed SIMD first, so the Wasm target uses the FMA matmul.

import { loadavg } from "node:os";
import v8 from "node:v8";
import { expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { relaxedSimdSupported } from "../../compiler/emit/wasm/load.js";
import type { LoadedModel } from "../emit/harness.js";
import { loadBoth, randomBatch } from "./helpers.js";

const SECONDS = Number(process.env.DLM_BENCH_SECONDS ?? 3);
const ROUNDS = 3;

function samplesPerSecond(m: LoadedModel, batch: Record<string, Float32Array | Int32Array>, size: number): number {
  for (let i = 0; i < 3; i++) m.trainStep(batch);
  let steps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < SECONDS * 1000) {
    m.trainStep(batch);
    steps++;
    t = performance.now();
  }
  return (steps * size) / ((t - t0) / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it.runIf(process.env.DLM_BENCH === "1").each((process.env.DLM_BENCH_EXAMPLES ?? "mlp,cnn").split(","))("train throughput: %s", async (name) => {
  if (process.env.DLM_BENCH_RELAXED === "1") v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  const relaxed = relaxedSimdSupported();
  const { program } = lowerExample(name, name === "mlp" || name === "cnn" ? 64 : undefined);
  const model = program.models.find((m) => m.train)!;
  const { ts, wasm } = await loadBoth(program, model.name);
  const a = await ts.create({ seed: 1 });
  const b = await wasm.create({ seed: 1 });
  const batch = randomBatch(model, 2);
  const rs: { ts: number[]; wasm: number[] } = { ts: [], wasm: [] };
  for (let r = 0; r < ROUNDS; r++) {
    rs.ts.push(samplesPerSecond(a, batch, model.batch));
    rs.wasm.push(samplesPerSecond(b, batch, model.batch));
  }
  const t = median(rs.ts);
  const w = median(rs.wasm);
  console.log(`${name}${relaxed ? " (relaxed SIMD)" : ""}: TS ${t.toFixed(0)} samples/s, Wasm ${w.toFixed(0)} samples/s (×${(w / t).toFixed(2)}); rounds TS ${rs.ts.map((x) => x.toFixed(0)).join("/")}, Wasm ${rs.wasm.map((x) => x.toFixed(0)).join("/")}; load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  expect(w).toBeGreaterThan(0);
}, 600_000);
