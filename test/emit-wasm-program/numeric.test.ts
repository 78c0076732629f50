// The Wasm target computes what the TS target computes, on the MLP and CNN examples (compare.ts says how).

import { describe, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { compareTargets } from "./compare.js";

describe.each([
  { name: "mlp", batch: 16 },
  { name: "cnn", batch: 4 },
])("$name: Wasm target vs TS target", ({ name, batch }) => {
  it("same init, same forward, same state after one train step, loss goes down", async () => {
    await compareTargets(lowerExample(name, batch).program);
  }, 120_000);
});
