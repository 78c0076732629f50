// dlm train --json on tiny sequence models: the result carries the figures the text output prints after
// the test metrics, as typed fields of "sequence" (a character language model, a forecaster, a pair
// model). Each model trains one or two epochs on data the test writes; what does not depend on the model
// (seasonal-naive MAE, copy-the-input chrF, the n-gram baselines) is checked against a computation here,
// what does is checked against the text output of the same seeded run. Also: the checkpoint's vocabulary
// is the train part's, and take(n) tells stderr about a part it kept whole.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chrF } from "../../compiler/cli/sequence-reports.js";
import type { SequenceJson } from "../../compiler/cli/sequence-json.js";
import { loadPhrasePairs } from "../../runtime/data/phrases.js";
import { writeDict } from "../runtime/data/dictd.js";
import { readCheckpointVocab } from "../../runtime/data/vocab-checkpoint.js";
import { seriesValues, writeForecaster } from "./forecaster-fixture.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-train-seq-json-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  event: string;
  validation?: Record<string, number>;
  baseline_bits_per_char?: Record<string, number>;
  sequence?: SequenceJson;
}

function lastJson(stdout: string): Result {
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Result;
}

describe("a character language model", () => {
  // "Q" only in the validation part (the last tenth of the text)
  const text = "abc abd abe. ".repeat(50) + "Qa Qb abc. Q";
  const textPath = join(dir, "lm.txt");
  writeFileSync(textPath, text);
  const dlm = join(dir, "lm.dlm");
  writeFileSync(
    dlm,
    `model Tiny(vocab: int = 12) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]
  logits = tokens |> Embedding(vocab, 8) |> GRU(8) |> Dense(vocab)
}
data Text = text(file: ${JSON.stringify(textPath)}) |> chars(context: 8, vocab: 12) |> split(train: 0.9, validation: 0.1, shuffle: false) |> take(70)
train Tiny on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-2)
  batch     8
  epochs    1
  metrics   bits_per_char: cross_entropy(logits, targets) / 0.6931471805599453
  seed      1
}
`,
  );

  it("--json gives bits/char and the n-gram baselines; the saved vocabulary is the train part's", async () => {
    const save = join(dir, "lm.safetensors");
    const r = await runCli("train", dlm, "--json", "--save", save);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    // 82 examples: train 74 cut to 70, validation 8 kept whole
    expect(r.stderr).toContain("take(70): validation has 8 examples, kept all\n");
    const result = lastJson(r.stdout);
    const s = result.sequence!;
    expect(s.kind).toBe("language-model");
    if (s.kind !== "language-model") return;
    expect(s.bitsPerChar).toBe(result.validation!.bits_per_char);
    expect(s.bitsPerChar).toBeGreaterThan(0);
    expect(s.ngram).toEqual({ "3": result.baseline_bits_per_char!["3-gram"], "4": result.baseline_bits_per_char!["4-gram"] });
    expect(s.trainChars).toBe(70 * 8 + 1);
    expect(s.validationChars).toBe(8 * 8 + 1);
    const vocab = (await readCheckpointVocab(save))!;
    expect(vocab.chars.join("")).toBe([...new Set("abc abd abe. ")].sort().join(""));
    expect(vocab.chars).not.toContain("Q");
  }, 60_000);
});

describe("a forecaster", () => {
  const values = seriesValues(100);
  const dlm = writeForecaster(dir, 100);

  it("--json gives the MAE and the seasonal-naive MAE in the data's units", async () => {
    const r = await runCli("train", dlm, "--json");
    expect(r.code).toBe(0);
    const s = lastJson(r.stdout).sequence!;
    expect(s.kind).toBe("forecaster");
    if (s.kind !== "forecaster") return;
    expect(s).toMatchObject({ count: 20, season: 7, units: "data" });
    // the last 20 values are the test targets; seasonal naive predicts each from the value 7 days before
    const naive = values.slice(80).reduce((sum, v, j) => sum + Math.abs(v - values[80 + j - 7]!), 0) / 20;
    expect(s.seasonalNaive).toBeCloseTo(naive, 3);
    // the text output of the same seeded run prints the same MAE
    const text = await runCli("train", dlm);
    const m = /MAE ([\d.]+) {2}seasonal-naive \(7 steps back\) MAE ([\d.]+)$/m.exec(text.stdout);
    expect(Number(m![1])).toBeCloseTo(s.mae, 1);
    expect(Number(m![2])).toBeCloseTo(s.seasonalNaive!, 1);
  }, 60_000);
});

describe("a pair model", () => {
  const entries: [string, string][] = [
    ["cat", "Katze"],
    ["dog", "Hund"],
    ["house", "Haus"],
    ["mouse", "Maus"],
    ["tree", "Baum"],
    ["bird", "Vogel"],
    ["fish", "Fisch"],
    ["hand", "Hand"],
    ["arm", "Arm"],
    ["bed", "Bett"],
  ];
  const dict = writeDict(dir, "pairs", entries.map(([w, t]) => [w, `${w} /x/\n${t} <n>\n\n`] as const));
  const dlm = join(dir, "pair.dlm");
  writeFileSync(
    dlm,
    `model Pair {
  input  src: i32[B, S]
  input  tgt_in: i32[B, T]
  output logits: f32[B, T, 40]
  (encoded, state) = src |> Embedding(40, 8) |> LSTM(12, return_state: true)
  logits = tgt_in |> Embedding(40, 8) |> LSTM(12, initial: state) |> Dense(40)
}
data Pairs = phrase_pairs(file: ${JSON.stringify(dict)}, kind: headwords) |> char_pairs(src_len: 6, tgt_len: 7, vocab: 40) |> split(train: 6, test: rest, shuffle: false)
train Pair on Pairs {
  loss      cross_entropy(logits, tgt_out, ignore: 0)
  optimizer adam(lr: 1e-2)
  batch     2
  epochs    2
  seed      1
}
`,
  );

  it("--json gives exact match, chrF and the copy baseline's chrF", async () => {
    const r = await runCli("train", dlm, "--json");
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    const s = lastJson(r.stdout).sequence!;
    expect(s.kind).toBe("pair");
    if (s.kind !== "pair") return;
    expect(s.trainCount).toBe(6);
    expect(s.testCount).toBe(4);
    expect(s.exactMatch).toBeGreaterThanOrEqual(0);
    expect(s.exactMatch).toBeLessThanOrEqual(1);
    // copying the input does not depend on the model: chrF of the test sources against their references,
    // each decoded with the train part's vocabulary (a character it lacks reads "?")
    const pairs = loadPhrasePairs(dict, { limit: null, seed: 0, kind: "headwords" });
    const known = new Set(pairs.slice(0, 6).flatMap(([a, b]) => [...a, ...b]));
    const seen = (t: string) => [...t].map((c) => (known.has(c) ? c : "?")).join("");
    const test = pairs.slice(6);
    expect(s.copyChrF).toBeCloseTo(chrF(test.map(([a]) => seen(a)), test.map(([, b]) => seen(b))), 10);
    expect(s.samples.map((x) => x.source)).toEqual(test.slice(0, 3).map(([a]) => seen(a)));
    // the same seeded run's text output prints the same figures
    const text = await runCli("train", dlm);
    expect(text.stdout).toContain(`exact match ${(100 * s.exactMatch).toFixed(1)}% of 6 pairs`);
    expect(text.stdout).toContain(`chrF ${s.chrF!.toFixed(1)}  copy-the-input baseline chrF ${s.copyChrF!.toFixed(1)}`);
  }, 60_000);
});

describe("other models", () => {
  it("have no sequence field", async () => {
    const csv = join(dir, "rows.csv");
    writeFileSync(csv, "a,b,kind\n" + Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2}`).join("\n") + "\n");
    const dlm = join(dir, "mlp.dlm");
    writeFileSync(
      dlm,
      `model M {
  input  features: f32[B, 2]
  output logits: f32[B, 2]
  logits = features |> Dense(2)
}
data D = csv(file: ${JSON.stringify(csv)}, columns: ["a", "b"], label: "kind") |> split(train: 30, test: rest, shuffle: false)
train M on D {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 1e-2)
  batch     5
  epochs    1
  seed      1
}
`,
    );
    const r = await runCli("train", dlm, "--json");
    expect(r.code).toBe(0);
    const result = lastJson(r.stdout);
    expect(result.event).toBe("result");
    expect(result.sequence).toBeUndefined();
  }, 60_000);
});
