import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSafetensors } from "../../runtime/safetensors.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-train-test-"));

// A small model on the bundled digits, so that a run takes seconds.
const small = `
model Tiny {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(32) |> relu |> Dense(10)
}
data Digits = mnist() |> split(train: 0.3, validation: 0.05, test: 0.1, seed: 1)
train Tiny on Digits {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 3e-3)
  batch     50
  epochs    2
  metrics   accuracy(logits, label)
  validate  every: 1
  seed      3
}
`;
const smallPath = join(dir, "tiny.dlm");
writeFileSync(smallPath, small);

describe("dlm train", () => {
  it("trains, prints a summary per epoch and the test metrics, and saves a checkpoint", async () => {
    const save = join(dir, "tiny.safetensors");
    const r = await runCli("train", smallPath, "--save", save);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^epoch 1\/2 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_accuracy \d\.\d{4}/m);
    expect(r.stderr).toMatch(/^epoch 2\/2 /m);
    const acc = Number(/^test: loss [\d.]+ {2}accuracy ([\d.]+)$/m.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThan(0.8);
    const ckpt = parseSafetensors(new Uint8Array(readFileSync(save)), save);
    expect(Object.keys(ckpt.tensors).sort()).toEqual(["dense_0.bias", "dense_0.weight", "dense_1.bias", "dense_1.weight"]);
    expect(ckpt.tensors["dense_0.weight"]!.shape).toEqual([32, 784]);
  });

  it("--json prints one object per line, ending with the result", async () => {
    const r = await runCli("train", smallPath, "--json", "--epochs", "1");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; test?: { accuracy: number }; samples_per_s?: number });
    expect(lines.filter((l) => l.event === "epoch")).toHaveLength(1);
    const result = lines.at(-1)!;
    expect(result.event).toBe("result");
    expect(result.test!.accuracy).toBeGreaterThan(0.5);
    expect(result.samples_per_s).toBeGreaterThan(0);
  });

  it("the same seed gives the same result twice", async () => {
    const a = await runCli("train", smallPath, "--json", "--epochs", "1", "--seed", "9");
    const b = await runCli("train", smallPath, "--json", "--epochs", "1", "--seed", "9");
    const loss = (s: string) => s.trim().split("\n").map((l) => JSON.parse(l) as { event: string; loss?: number }).filter((l) => l.event === "epoch").map((l) => l.loss);
    expect(loss(a.stdout)).toEqual(loss(b.stdout));
  });

  it("--target wasm trains the same model to the same loss as the TS target", async () => {
    const loss = (s: string) => s.trim().split("\n").map((l) => JSON.parse(l) as { event: string; loss?: number; test?: { accuracy: number } });
    const ts = loss((await runCli("train", smallPath, "--json", "--epochs", "1")).stdout);
    const r = await runCli("train", smallPath, "--json", "--epochs", "1", "--target", "wasm");
    expect(r.code).toBe(0);
    const wasm = loss(r.stdout);
    const epochLoss = (lines: typeof ts) => lines.find((l) => l.event === "epoch")!.loss!;
    expect(Math.abs(epochLoss(wasm) - epochLoss(ts)) / epochLoss(ts)).toBeLessThan(1e-3);
    expect(wasm.at(-1)!.test!.accuracy).toBeGreaterThan(0.5);
  });

  it("a file with two train blocks: --model chooses, on both targets (one Wasm module holds both)", async () => {
    const file = "test/fixtures/cli/two-trains.dlm";
    const none = await runCli("train", file);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/several train blocks \(A, C\): choose one with --model/);
    for (const target of ["ts", "wasm"]) {
      for (const model of ["A", "C"]) {
        const r = await runCli("train", file, "--model", model, "--target", target, "--json");
        expect(r.code, `${model} on ${target}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`"event":"result","model":"${model}"`));
      }
    }
  });

  it("digit canvases train a per-pixel segmenter; only(label) keeps one class", async () => {
    const seg = join(dir, "seg.dlm");
    writeFileSync(seg, `
model Seg {
  input  image: f32[B, 1, 32, 32]
  output logits: f32[B, 11, 32, 32]
  logits = image |> Conv2d(8, kernel: 3, pad: same) |> relu |> Conv2d(11, kernel: 1)
}
data Canvases = digit_canvases(count: 96, size: 32, digits: [1, 2], seed: 3) |> split(train: 0.75, test: 0.25, seed: 1)
train Seg on Canvases {
  loss      cross_entropy(logits, mask, axis: 1)
  optimizer adam(lr: 1e-2)
  batch     8
  epochs    2
  metrics   accuracy(logits, mask, axis: 1)
  seed      1
}
`);
    const run = async (file: string) => {
      const r = await runCli("train", file, "--json", "--target", "wasm");
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { test: { loss: number; accuracy: number } };
    };
    // The same model and data with a learning rate of 0 is the baseline training must beat.
    const frozen = join(dir, "seg-frozen.dlm");
    writeFileSync(frozen, readFileSync(seg, "utf8").replace("adam(lr: 1e-2)", "sgd(lr: 0)"));
    const trained = await run(seg);
    const baseline = await run(frozen);
    expect(trained.test.loss).toBeLessThan(0.8 * baseline.test.loss);
    expect(trained.test.accuracy).toBeGreaterThan(baseline.test.accuracy + 0.3);

    const one = join(dir, "one-class.dlm");
    writeFileSync(one, small.replace("mnist()", "mnist() |> only(label: 3)").replace("batch     50", "batch     10"));
    const o = await runCli("train", one, "--json", "--epochs", "1");
    expect(o.code, o.stderr).toBe(0);
    const res = JSON.parse(o.stdout.trim().split("\n").at(-1)!) as { test: { accuracy: number } };
    // Every example is a 3, so the classifier quickly predicts 3 everywhere.
    expect(res.test.accuracy).toBeGreaterThan(0.9);
  });

  it("a loss that becomes NaN or Inf stops training with a message, exit 1, nothing saved", async () => {
    const path = join(dir, "diverges.dlm");
    writeFileSync(path, small.replace("adam(lr: 3e-3)", "sgd(lr: 1e30)"));
    const save = join(dir, "diverged.safetensors");
    // Both targets throw the runtime's TrainingError (the Wasm class is the TS class with other step bodies).
    for (const target of ["ts", "wasm"]) {
      const r = await runCli("train", path, "--save", save, "--target", target);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^dlm: training stopped: the loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+; try a lower learning rate/m);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(existsSync(save)).toBe(false);
    }
  });

  it("rejects bad options with exit 2 and no stack trace", async () => {
    for (const args of [["--epochs", "zero"], ["--epochs", "0"], ["--seed", "-1"], ["--target", "gpu"], ["--target"]]) {
      const r = await runCli("train", smallPath, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^dlm: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a --save path that cannot be written is refused before training (exit 2), not after it", async () => {
    for (const [save, why] of [[join(dir, "no-such-dir", "w.safetensors"), /--save .*: the directory .* does not exist/], [dir, /--save .*: it is a directory/]] as const) {
      const r = await runCli("train", smallPath, "--save", save);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/epoch 1/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a file without a train block is an error in the program (exit 1)", async () => {
    const path = join(dir, "no-train.dlm");
    writeFileSync(path, "model M {\n  input x: f32[B, 4]\n  output y: f32[B, 2]\n  y = x |> Dense(2)\n}\n");
    const r = await runCli("train", path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no train block/);
  });

  it("a data file that is missing is a clear error (exit 1)", async () => {
    const path = join(dir, "missing-data.dlm");
    writeFileSync(path, small.replace("mnist()", `idx(images: "${dir}/nope-images.gz", labels: "${dir}/nope-labels.gz", shape: [28, 28])`));
    const r = await runCli("train", path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dlm: cannot load data 'Digits': .*nope-images\.gz/m);
  });
});
