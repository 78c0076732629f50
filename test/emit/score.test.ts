// score(): a model that declares an output named `score` gets a score() entry point on both targets. Checked
// against an independent per-example mean squared error over predict()'s reconstruction, across a padded
// last chunk, and TS == Wasm on the same (seeded) weights; a model without that output has no score().

import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import type { CompiledProgram } from "../../compiler/program/types.js";
import { loadBoth } from "../emit-wasm-program/helpers.js";

const SOURCE = `
model Ae {
  input  x: f32[B, 784]
  output recon: f32[B, 784]
  output score: f32[B]
  recon = x |> Dense(5) |> relu |> Dense(3) |> Dense(784) |> sigmoid
  score = mse(recon, x, reduce: none)
}
data D = mnist() |> map(x: reshape(image, [784]))
train Ae on D {
  loss      mse(recon, x)
  optimizer adam(lr: 1e-3)
  batch     4
  epochs    1
  seed      3
}

model Plain {
  input  x: f32[B, 784]
  output y: f32[B, 2]
  y = x |> Dense(2)
}
train Plain on D {
  loss      mse(y, y)
  optimizer sgd(lr: 0.1)
  batch     4
  epochs    1
}
`;

function compile(): CompiledProgram {
  const fe = frontEnd(SOURCE, "score.dlm");
  const errors = fe.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
  const low = lowerProgram(fe.checked, "score.dlm");
  if (low.diagnostics.some((d) => d.severity === "error")) throw new Error(low.diagnostics.map((d) => d.message).join("; "));
  return optimizeProgram(low.program).program;
}

interface ScoreModel {
  predict(inputs: { x: Float32Array }): { recon: Float32Array; score: Float32Array };
  score?: (inputs: { x: Float32Array }) => Float32Array;
}
type ScoreClass = { create(o?: { seed?: number }): Promise<ScoreModel> };

describe("generated score()", () => {
  const program = compile();
  // 7 examples: one full chunk of 4 and a padded one of 3.
  const x = Float32Array.from({ length: 7 * 784 }, (_, i) => ((i * 37) % 11) / 10);

  it("returns each example's mean squared reconstruction error, on both targets", async () => {
    const both = (await loadBoth(program, "Ae")) as unknown as { ts: ScoreClass; wasm: ScoreClass };
    const results: Float32Array[] = [];
    for (const cls of [both.ts, both.wasm]) {
      const model = await cls.create({ seed: 9 });
      expect(typeof model.score).toBe("function");
      const s = model.score!({ x });
      const recon = model.predict({ x }).recon;
      expect(s.length).toBe(7);
      for (let r = 0; r < 7; r++) {
        let sum = 0;
        for (let j = 0; j < 784; j++) sum += (recon[r * 784 + j]! - x[r * 784 + j]!) ** 2;
        expect(s[r]).toBeCloseTo(sum / 784, 6);
      }
      results.push(s);
    }
    for (let r = 0; r < 7; r++) expect(results[1]![r]).toBeCloseTo(results[0]![r]!, 5);
  });

  it("exists only when the model declares an output named score", async () => {
    const both = (await loadBoth(program, "Plain")) as unknown as { ts: ScoreClass; wasm: ScoreClass };
    expect((await both.ts.create()).score).toBeUndefined();
    expect((await both.wasm.create()).score).toBeUndefined();
  });
});
