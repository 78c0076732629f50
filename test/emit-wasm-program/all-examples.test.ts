// Every example through the Wasm target against the TS target (compare.ts), at a small batch. Tolerance
// 1e-4 (norm-relative) rather than 1e-5: in deep and recurrent models (64-step LSTMs, attention) the
// rounding differences of f32 accumulation orders (the Wasm matmul and reductions sum in other orders
// than the runtime's kernels) compound to ~1e-5 in the first layers' gradients.

import { readdirSync } from "node:fs";
import { describe, it } from "vitest";
import { lowerExample, REPO } from "../emit/examples.js";
import { compareTargets } from "./compare.js";

const NAMES = readdirSync(`${REPO}examples`).filter((f) => f.endsWith(".dlm")).map((f) => f.replace(/\.dlm$/, "")).filter((n) => n !== "mlp" && n !== "cnn");

describe.each(NAMES)("%s", (name) => {
  it("Wasm target = TS target", async () => {
    await compareTargets(lowerExample(name, 2).program, { trainSteps: 10, rel: 1e-4 });
  }, 300_000);
});
