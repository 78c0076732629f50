// Every example besides mlp and cnn (numeric.test.ts) through the Wasm target against the TS target
// (compare.ts: same init, forward, state and gradients after one step within 1e-5, loss goes down), at
// batch 2 to keep the TS side quick.

import { readdirSync } from "node:fs";
import { describe, it } from "vitest";
import { lowerExample, REPO } from "../emit/examples.js";
import { compareTargets } from "./compare.js";

const NAMES = readdirSync(`${REPO}examples`).filter((f) => f.endsWith(".dlm")).map((f) => f.replace(/\.dlm$/, "")).filter((n) => n !== "mlp" && n !== "cnn");

describe.each(NAMES)("%s", (name) => {
  it("Wasm target = TS target", async () => {
    await compareTargets(lowerExample(name, 2).program, { trainSteps: 10 });
  }, 300_000);
});
