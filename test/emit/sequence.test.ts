// The sequence entry points of generated classes (model-sequence.ts), against independent loops over the
// public predict(): generate (sliding window, seeded sampling: same seed → same ids, TS == Wasm on the same
// weights), forecast (predictions fed back), translate (greedy decoding until the end id).

import { afterEach, describe, expect, it } from "vitest";
import { countAllocations, restoreAllocations } from "../support/count-allocations.js";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import type { CompiledProgram } from "../../compiler/program/types.js";
import { sequenceKind } from "../../compiler/emit/ts/model-sequence.js";
import { refSampleLogits } from "../../runtime/kernels/reference/sample-logits.js";
import { createRng } from "../../runtime/rng.js";
import { END, START } from "../../runtime/data/text.js";
import { loadBoth } from "../emit-wasm-program/helpers.js";

const SOURCE = `
model Lm {
  input  tokens: i32[B, T]
  output logits: f32[B, T, 12]
  logits = tokens |> Embedding(12, 8) |> LSTM(16) |> Dense(12)
}
data Text = text(file: "unused.txt") |> chars(context: 6, vocab: 12)
train Lm on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-3)
  batch     3
  epochs    1
  seed      5
}
generate Lm {
  prompt      "ab"
  steps       9
  temperature 0.9
  top_k       5
}

model Fc {
  input  window: f32[B, 5, 1]
  output next: f32[B, 2]
  forecast = window |> GRU(8) |> last   // a binding named like the method
  next = forecast |> Dense(2)
}
data Series = us_births() |> standardize |> windows(size: 5, horizon: 2)
train Fc on Series {
  loss      mse(next, target)
  optimizer adam(lr: 1e-3)
  batch     2
  epochs    1
  seed      1
}

model Pair {
  input  src: i32[B, S]
  input  tgt_in: i32[B, T]
  output logits: f32[B, T, 10]
  (encoded, state) = src |> Embedding(10, 8) |> LSTM(12, return_state: true)
  logits = tgt_in |> Embedding(10, 8) |> LSTM(12, initial: state) |> Dense(10)
}
data Pairs = phrase_pairs(file: "unused.dict") |> char_pairs(src_len: 4, tgt_len: 5, vocab: 10)
train Pair on Pairs {
  loss      cross_entropy(logits, tgt_out, ignore: 0)
  optimizer adam(lr: 1e-3)
  batch     2
  epochs    1
  seed      2
}
`;

function compile(batch?: number): CompiledProgram {
  const fe = frontEnd(SOURCE, "seq.dlm");
  const errors = fe.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
  const low = lowerProgram(fe.checked, "seq.dlm", batch === undefined ? {} : { batch });
  if (low.diagnostics.some((d) => d.severity === "error")) throw new Error(low.diagnostics.map((d) => d.message).join("; "));
  return optimizeProgram(low.program).program;
}

interface SeqModel {
  predict(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
  generate(prompt: ArrayLike<number>, options?: { steps?: number; temperature?: number; topK?: number; seed?: number }): Int32Array;
  generateText(prompt?: string, options?: { steps?: number; seed?: number }): string;
  forecast(history: ArrayLike<number>, steps: number): Float32Array;
  translate(sources: ArrayLike<number>): Int32Array;
}
type SeqClass = { batch: number; create(o?: { seed?: number }): Promise<SeqModel> };

async function classes(program: CompiledProgram, name: string): Promise<{ ts: SeqClass; wasm: SeqClass }> {
  return (await loadBoth(program, name)) as unknown as { ts: SeqClass; wasm: SeqClass };
}

/** generate() written out with predict() on one full window at a time and the reference sampler. */
function referenceGenerate(m: SeqModel, batch: number, prompt: number[], steps: number, temperature: number, topK: number, seed: number): number[] {
  const T = 6;
  const V = 12;
  const rng = createRng(seed).fork("generate");
  const seq = [...prompt];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const window = seq.slice(-T);
    const tokens = new Int32Array(batch * T);
    tokens.set(window);
    const logits = m.predict({ tokens }).logits!;
    out.push(refSampleLogits(logits, (window.length - 1) * V, V, temperature, topK, () => rng.nextFloat()));
    seq.push(out.at(-1)!);
  }
  return out;
}

afterEach(() => restoreAllocations());

describe("sequence entry points", () => {
  it("are given by the model's signature", () => {
    const p = compile();
    expect(p.models.map((m) => sequenceKind(m))).toEqual(["language-model", "forecaster", "pair"]);
  });

  it("generate: the sliding window and seeded sampling, the same on both targets", async () => {
    for (const batch of [1, 3]) {
      const { ts, wasm } = await classes(compile(batch), "Lm");
      const a = await ts.create({ seed: 7 });
      const w = await wasm.create({ seed: 7 });
      const prompt = [4, 5, 6, 7];
      for (const [seed, temperature, topK] of [[1, 1, 0], [2, 0.7, 4], [3, 0, 0]] as const) {
        // 11 steps: the window (6) fills, then slides
        const got = Array.from(a.generate(prompt, { steps: 11, seed, temperature, topK }));
        expect(got, `seed ${seed}`).toEqual(referenceGenerate(a, batch, prompt, 11, temperature, topK, seed));
        expect(Array.from(a.generate(prompt, { steps: 11, seed, temperature, topK }))).toEqual(got);
        expect(Array.from(w.generate(prompt, { steps: 11, seed, temperature, topK })), `wasm, seed ${seed}`).toEqual(got);
      }
      const one = Array.from(a.generate(prompt, { steps: 30, seed: 1, temperature: 1 }));
      const two = Array.from(a.generate(prompt, { steps: 30, seed: 2, temperature: 1 }));
      expect(one).not.toEqual(two);
    }
  }, 120_000);

  it("generate: the generate block's settings are the defaults; bad prompts are refused", async () => {
    const { ts } = await classes(compile(1), "Lm");
    const m = await ts.create({ seed: 7 });
    expect(m.generate([4])).toHaveLength(9);
    expect(m.generateText(undefined, { seed: 4 })).toBe(m.generateText("ab", { seed: 4 }));
    expect(() => m.generate([])).toThrow(/prompt is empty/);
    expect(() => m.generate([4, 12])).toThrow(/outside 0\.\.11/);
    expect(() => m.generateText("aé")).toThrow(/outside the vocabulary: "é"/);
  }, 60_000);

  it("generate and forecast: what a call allocates does not grow with its length", async () => {
    const lm = await (await classes(compile(1), "Lm")).wasm.create({ seed: 7 });
    const fc = await (await classes(compile(), "Fc")).ts.create({ seed: 3 });
    const counted = (run: () => unknown): Record<string, number> => {
      const counts = countAllocations();
      try {
        run();
      } finally {
        restoreAllocations();
      }
      return { ...counts };
    };
    lm.generate([4, 5], { steps: 2, seed: 1 }); // warm: first calls may build lazily
    expect(counted(() => lm.generate([4, 5], { steps: 40, seed: 1, temperature: 1, topK: 3 }))).toEqual(counted(() => lm.generate([4, 5], { steps: 3, seed: 1, temperature: 1, topK: 3 })));
    fc.forecast([1, 2, 3, 4, 5], 2);
    expect(counted(() => fc.forecast([1, 2, 3, 4, 5], 60))).toEqual(counted(() => fc.forecast([1, 2, 3, 4, 5], 4)));
  }, 120_000);

  it("forecast: each prediction is fed back into the window", async () => {
    const { ts, wasm } = await classes(compile(), "Fc");
    const a = await ts.create({ seed: 3 });
    const w = await wasm.create({ seed: 3 });
    const history = [0.1, -0.4, 0.3, 0.9, -0.2, 0.5, 0.05];
    const got = a.forecast(history, 5);
    const seq = [...history];
    const want: number[] = [];
    while (want.length < 5) {
      const window = new Float32Array(2 * 5);
      window.set(seq.slice(-5));
      const next = Array.from(a.predict({ window }).next!.subarray(0, 2));
      want.push(...next);
      seq.push(...next);
    }
    expect(Array.from(got)).toEqual(want.slice(0, 5));
    const gw = w.forecast(history, 5);
    for (let i = 0; i < 5; i++) expect(Math.abs(gw[i]! - got[i]!)).toBeLessThan(1e-5);
    expect(() => a.forecast([1, 2], 3)).toThrow(/at least 5 values/);
  }, 60_000);

  it("translate: greedy decoding from the start id until the end id", async () => {
    const { ts, wasm } = await classes(compile(), "Pair");
    const a = await ts.create({ seed: 4 });
    const w = await wasm.create({ seed: 4 });
    const sources = Int32Array.from([4, 5, 6, 0, 7, 7, 0, 0, 9, 8, 4, 5]); // 3 rows: a padded second batch
    const got = a.translate(sources);
    expect(got).toHaveLength(3 * 5);
    for (let r = 0; r < 3; r++) {
      const src = new Int32Array(2 * 4);
      src.set(sources.subarray(r * 4, r * 4 + 4));
      const tgt = new Int32Array(2 * 5);
      tgt[0] = START;
      const want: number[] = [];
      for (let p = 0; p < 5; p++) {
        const logits = a.predict({ src, tgt_in: tgt }).logits!.subarray(p * 10, p * 10 + 10);
        const best = logits.indexOf(Math.max(...logits));
        want.push(best);
        if (best === END) break;
        if (p + 1 < 5) tgt[p + 1] = best;
      }
      while (want.length < 5) want.push(0);
      expect(Array.from(got.subarray(r * 5, r * 5 + 5)), `row ${r}`).toEqual(want);
    }
    expect(Array.from(w.translate(sources))).toEqual(Array.from(got));
  }, 60_000);
});
