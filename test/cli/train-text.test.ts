// dlm train on a character language model over a small text the test writes: the validation figure
// and the n-gram baselines at the end, and the vocabulary saved in the checkpoint.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCheckpointVocab } from "../../runtime/data/vocab-checkpoint.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-train-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const textFile = join(dir, "text.txt");
writeFileSync(textFile, "Call me Ishmael. Some years ago, never mind how long precisely.\n".repeat(40));
const dlm = join(dir, "lm.dlm");
writeFileSync(
  dlm,
  `model Lm(vocab: int = 40) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]
  logits = tokens |> Embedding(vocab, 8) |> GRU(16) |> Dense(vocab)
}
data Text = text(file: ${JSON.stringify(textFile)}) |> chars(context: 16, vocab: 40) |> split(train: 0.8, validation: 0.2, shuffle: false)
train Lm on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-2)
  batch     8
  epochs    2
  metrics   bits_per_char: cross_entropy(logits, targets) / 0.6931471805599453
  seed      1
}
`,
);

describe("dlm train on chars()", () => {
  it("prints the validation bits/char and the n-gram baselines, and saves the vocabulary", async () => {
    const save = join(dir, "lm.safetensors");
    const r = await runCli("train", dlm, "--save", save);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(r.code).toBe(0);
    const bpc = Number(/^validation: loss [\d.]+ {2}bits_per_char ([\d.]+)$/m.exec(r.stdout)?.[1]);
    expect(bpc).toBeGreaterThan(0);
    expect(bpc).toBeLessThan(Math.log2(40));
    const m = /^baseline: 3-gram ([\d.]+), 4-gram ([\d.]+) bits\/char \(add-0\.1 /m.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(Number(m![1]));
    const vocab = (await readCheckpointVocab(save))!;
    expect(vocab.size).toBe(40);
    expect(vocab.chars.join("")).toBe([...new Set("Call me Ishmael. Some years ago, never mind how long precisely.\n")].sort().join(""));
  });

  it("--json carries the validation metrics and the baselines in the result", async () => {
    const r = await runCli("train", dlm, "--json", "--epochs", "1");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { validation: { bits_per_char: number }; baseline_bits_per_char: Record<string, number> };
    expect(result.validation.bits_per_char).toBeGreaterThan(0);
    expect(Object.keys(result.baseline_bits_per_char)).toEqual(["3-gram", "4-gram"]);
  });
});
