// dlm generate and dlm forecast as a user runs them: a tiny character model and a tiny forecaster are
// trained with --save, then sampled / continued; every broken input gets one message and exit code 1
// (2 for a bad invocation), never a stack trace.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../../runtime/checkpoint.js";
import { writeForecaster } from "./forecaster-fixture.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-generate-test-"));
const textPath = join(dir, "abc.txt");
writeFileSync(textPath, "abc abd abe. ".repeat(60));
const lmPath = join(dir, "lm.dlm");
writeFileSync(lmPath, `
model Tiny(vocab: int = 12) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]
  logits = tokens |> Embedding(vocab, 8) |> LSTM(16) |> Dense(vocab)
}
data Text = text(file: ${JSON.stringify(textPath)}) |> chars(context: 8, vocab: 12) |> split(train: 0.9, validation: 0.1, shuffle: false)
train Tiny on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-2)
  batch     4
  epochs    2
  seed      1
}
generate Tiny {
  prompt      "ab"
  steps       12
  temperature 0.8
}
`);
const fcPath = writeForecaster(dir, 120);
const lmCkpt = join(dir, "lm.safetensors");
const fcCkpt = join(dir, "fc.safetensors");

beforeAll(async () => {
  expect((await runCli("train", lmPath, "--save", lmCkpt)).code).toBe(0);
  const fc = await runCli("train", fcPath, "--save", fcCkpt);
  expect(fc.code).toBe(0);
  // The forecaster's line beside its seasonal-naive baseline, in the series' units.
  expect(fc.stdout).toMatch(/^test, one step ahead \(20 targets, in the data's units\): MAE [\d.]+ {2}seasonal-naive \(7 steps back\) MAE [\d.]+$/m);
}, 240_000);

describe("dlm generate", () => {
  it("prints the prompt and the sampled text; the same seed gives the same text", async () => {
    const a = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--prompt", "ab", "--steps", "20", "--seed", "3");
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^ab[abcde. ]{20}\n$/);
    const b = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--prompt", "ab", "--steps", "20", "--seed", "3");
    expect(b.stdout).toBe(a.stdout);
    const greedy = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--temperature", "0", "--seed", "1");
    const greedy2 = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--temperature", "0", "--seed", "2");
    expect(greedy.stdout).toBe(greedy2.stdout); // greedy draws nothing
    expect(greedy.stdout).toHaveLength(2 + 12 + 1); // the generate block's prompt and steps
    const wasm = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--prompt", "ab", "--steps", "20", "--seed", "3", "--target", "wasm");
    expect(wasm.stdout).toBe(a.stdout);
  }, 120_000);

  it("says what is wrong with the checkpoint, its vocabulary or the prompt", async () => {
    const missing = await runCli("generate", lmPath, "--checkpoint", join(dir, "none.safetensors"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^dlm: no checkpoint at .*none\.safetensors \(write one with: dlm train .* --save .*\)\n$/);

    const garbage = join(dir, "garbage.safetensors");
    writeFileSync(garbage, "not a checkpoint at all");
    const bad = await runCli("generate", lmPath, "--checkpoint", garbage);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^dlm: cannot read the checkpoint .*garbage\.safetensors: .+\n$/);

    const other = await runCli("generate", lmPath, "--checkpoint", fcCkpt);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^dlm: the checkpoint .*fc\.safetensors does not hold the weights of 'Tiny': no tensor "embedding_0\.weight"/);

    const ck = await loadCheckpoint(lmCkpt);
    const noVocab = join(dir, "novocab.safetensors");
    const metadata = { ...ck.metadata };
    delete metadata["dlm.vocab"];
    await saveCheckpoint(noVocab, ck.tensors, metadata);
    const nv = await runCli("generate", lmPath, "--checkpoint", noVocab);
    expect(nv.code).toBe(1);
    expect(nv.stderr).toMatch(/^dlm: .*novocab\.safetensors has no character vocabulary \(metadata dlm\.vocab\)/);

    const outside = await runCli("generate", lmPath, "--checkpoint", lmCkpt, "--prompt", "abZé");
    expect(outside.code).toBe(1);
    expect(outside.stderr).toBe(`dlm: the prompt has characters the model was not trained on: "Z" "é"\n`);

    for (const args of [["--steps", "x"], ["--temperature", "-1"], ["--prompt", ""]]) {
      const r = await runCli("generate", lmPath, "--checkpoint", lmCkpt, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect((await runCli("generate", lmPath)).stderr).toMatch(/--checkpoint PATH is required/);
    expect((await runCli("generate", fcPath, "--checkpoint", fcCkpt)).stderr).toMatch(/has no trained language model/);
  }, 120_000);
});

describe("dlm forecast", () => {
  it("prints the forecast in the series' units, one value per line, the same on both targets", async () => {
    const r = await runCli("forecast", fcPath, "--checkpoint", fcCkpt, "--steps", "5");
    expect(r.code).toBe(0);
    const values = r.stdout.trim().split("\n").map(Number);
    expect(values).toHaveLength(5);
    // The series runs from ~100 to ~230 and the model was trained on it: its forecast is in that range
    // once standardize is undone (standardized values would be near 0).
    for (const v of values) expect(v).toBeGreaterThan(60);
    const json = await runCli("forecast", fcPath, "--checkpoint", fcCkpt, "--steps", "5", "--json", "--target", "wasm");
    const parsed = JSON.parse(json.stdout) as { model: string; after: number; forecast: number[] };
    expect(parsed).toMatchObject({ model: "Fc", after: 120 });
    parsed.forecast.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThan(0.05));
  }, 120_000);

  it("refuses a checkpoint without the standardize statistics", async () => {
    const ck = await loadCheckpoint(fcCkpt);
    const path = join(dir, "nostats.safetensors");
    await saveCheckpoint(path, ck.tensors, { "dlm.model": "Fc" });
    const r = await runCli("forecast", fcPath, "--checkpoint", path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dlm: .*nostats\.safetensors has no standardize statistics \(metadata dlm\.standardize\)/);
  }, 60_000);
});
