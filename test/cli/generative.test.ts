// dlm sample / reconstruct / anomaly / pca / evaluate, run in-process as a user would, on tiny models of the
// bundled digits: exit codes, the figures printed (checked against what they must equal), PNGs that decode
// to the expected size, and one clear message for a wrong checkpoint.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { histogramEntropy } from "../../runtime/stats/classes.js";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-gen-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const gan = file("gan.dlm", `
model G {
  input  z: f32[B, 8]
  output img: f32[B, 784]
  img = z |> Dense(16) |> leaky_relu(0.2) |> Dense(784) |> sigmoid
}
model D {
  input  img: f32[B, 784]
  output real: f32[B, 1]
  real = img |> Dense(16) |> leaky_relu(0.2) |> Dense(1)
}
data Digits = mnist() |> split(train: 0.2, seed: 1)
train Gan on Digits {
  g = G
  d = D
  step {
    fake = g(normal([B, 8]))
    minimize bce_logits(d(flatten(image)), 1) + bce_logits(d(stop_grad(fake)), 0) over d with adam(lr: 2e-4, beta1: 0.5)
    minimize bce_logits(d(fake), 1) over g with adam(lr: 2e-4, beta1: 0.5)
  }
  batch 50
  epochs 1
  seed 1
}
`);
const classifier = file("clf.dlm", `
model Clf {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(32) |> relu |> Dense(10)
}
data Digits = mnist() |> split(train: 0.3, validation: 0.1, test: 0.1, seed: 1)
train Clf on Digits {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 3e-3)
  batch     50
  epochs    2
  metrics   accuracy(logits, label)
  seed      3
}
`);
const ae = file("ae.dlm", `
model Ae {
  input  x: f32[B, 784]
  output recon: f32[B, 784]
  output score: f32[B]
  recon = x |> Dense(16) |> relu |> Dense(784) |> sigmoid
  score = mse(recon, x, reduce: none)
}
data Digits = mnist() |> map(x: reshape(image, [784])) |> split(train: 0.3, test: 0.1, seed: 2)
train Ae on Digits {
  loss      mse(recon, x)
  optimizer adam(lr: 3e-3)
  batch     50
  epochs    1
  seed      4
}
`);
const ganCkpt = join(dir, "gan.safetensors");
const clfCkpt = join(dir, "clf.safetensors");
const aeCkpt = join(dir, "ae.safetensors");

beforeAll(async () => {
  for (const [f, c] of [[gan, ganCkpt], [classifier, clfCkpt], [ae, aeCkpt]] as const) {
    const r = await runCli("train", f, "--save", c);
    if (r.code !== 0) throw new Error(`training ${f} failed: ${r.stderr}`);
  }
}, 240_000);

function png(path: string): { width: number; height: number } {
  const p = decode(readFileSync(path));
  return { width: p.width, height: p.height };
}

describe("dlm sample", () => {
  it("writes a grid of samples and judges them: histogram, its entropy, confidence", async () => {
    const out = join(dir, "samples.png");
    const r = await runCli("sample", gan, "--checkpoint", ganCkpt, "--judge", classifier, "--judge-checkpoint", clfCkpt, "-n", "200", "--grid", "20", "--scale", "1", "-o", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { samples: number; histogram: number[]; entropy: number; confidence: number };
    expect(res.samples).toBe(200);
    expect(res.histogram.reduce((a, b) => a + b, 0)).toBe(200);
    expect(res.entropy).toBeCloseTo(histogramEntropy(res.histogram), 12);
    expect(res.confidence).toBeGreaterThan(0.1);
    expect(res.confidence).toBeLessThanOrEqual(1);
    // 10 per row, 2 rows of 28×28 with a 2-pixel border.
    expect(png(out)).toEqual({ width: 10 * 28 + 11 * 2, height: 2 * 28 + 3 * 2 });
  }, 60_000);

  it("the same noise seed gives the same samples; text output names the figures", async () => {
    const a = await runCli("sample", gan, "--checkpoint", ganCkpt, "--judge", classifier, "--judge-checkpoint", clfCkpt, "-n", "64", "--seed", "5");
    const b = await runCli("sample", gan, "--checkpoint", ganCkpt, "--judge", classifier, "--judge-checkpoint", clfCkpt, "-n", "64", "--seed", "5");
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^class entropy \d\.\d{4} nats \(ln 10 = 2\.3026; ratio \d\.\d{3}\)$/m);
    expect(a.stdout).toMatch(/^mean top-class confidence \d\.\d{4}$/m);
  }, 60_000);

  it("bad invocations exit 2; a checkpoint of another model exits 1 with one message", async () => {
    expect((await runCli("sample", gan)).code).toBe(2);
    expect((await runCli("sample", gan, "--checkpoint", join(dir, "missing.safetensors"))).code).toBe(2);
    expect((await runCli("sample", gan, "--checkpoint", ganCkpt, "--judge", classifier)).code).toBe(2);
    const r = await runCli("sample", gan, "--checkpoint", ganCkpt, "--judge", classifier, "--judge-checkpoint", ganCkpt, "-n", "10");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dlm: .*gan\.safetensors does not fit Clf/m);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});

describe("dlm reconstruct and dlm pca", () => {
  it("prints the model's and PCA's test MSE and writes input / reconstruction / PCA rows", async () => {
    const out = join(dir, "recon.png");
    const r = await runCli("reconstruct", ae, "--checkpoint", aeCkpt, "-n", "10", "--pca", "4", "--scale", "1", "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const model = Number(/^Ae: test mse ([\d.]+) over 1000 examples$/m.exec(r.stdout)?.[1]);
    const pca = Number(/^PCA, 4 components .*: test mse ([\d.]+)$/m.exec(r.stdout)?.[1]);
    expect(model).toBeGreaterThan(0);
    expect(model).toBeLessThan(0.2);
    expect(png(out)).toEqual({ width: 10 * 28 + 11 * 2, height: 3 * 28 + 4 * 2 });
    // dlm pca fits the same PCA on the same train part: the same test figure.
    const p = await runCli("pca", ae, "-k", "4", "--json");
    expect(p.code, p.stderr).toBe(0);
    const res = JSON.parse(p.stdout) as { test_mse: number; train_mse: number; explained_variance: number };
    expect(res.test_mse).toBeCloseTo(pca, 6);
    const more = JSON.parse((await runCli("pca", ae, "-k", "8", "--json")).stdout) as { train_mse: number; explained_variance: number };
    expect(more.train_mse).toBeLessThan(res.train_mse);
    expect(more.explained_variance).toBeGreaterThan(res.explained_variance);
  }, 120_000);
});

describe("dlm anomaly", () => {
  it("trains one model per class and prints each AUROC and their mean", async () => {
    const r = await runCli("anomaly", ae, "--classes", "0,1", "--epochs", "1");
    expect(r.code, r.stderr).toBe(0);
    const per = [...r.stdout.matchAll(/^class (\d): AUROC ([\d.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(per.map(([k]) => k)).toEqual([0, 1]);
    for (const [, v] of per) expect(v).toBeGreaterThan(0.5);
    const mean = Number(/^mean AUROC ([\d.]+) over 2 classes$/m.exec(r.stdout)?.[1]);
    expect(mean).toBeCloseTo((per[0]![1]! + per[1]![1]!) / 2, 3);
  }, 120_000);

  it("refuses a model without a score output", async () => {
    const r = await runCli("anomaly", classifier);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/declares no output 'score/);
  }, 60_000);
});

describe("dlm evaluate", () => {
  it("prints every part and the train − validation gap", async () => {
    const r = await runCli("evaluate", classifier, "--checkpoint", clfCkpt, "--json");
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Record<string, Record<string, number>> & { gap_against: string };
    expect(res.gap_against).toBe("validation");
    expect(res.gap!.accuracy).toBeCloseTo(res.train!.accuracy! - res.validation!.accuracy!, 12);
    expect(res.test!.accuracy).toBeGreaterThan(0.7);
  }, 60_000);

  it("after early stopping, the saved weights are the best epoch's: evaluate gives its validation loss", async () => {
    const stopping = file("stop.dlm", readFileSync(classifier, "utf8").replace("epochs    2", "epochs    6").replace("seed      3", "seed      3\n  validate  every: 1, early_stop(patience: 2)").replace("lr: 3e-3", "lr: 2e-2"));
    const ckpt = join(dir, "stop.safetensors");
    const t = await runCli("train", stopping, "--save", ckpt, "--json");
    expect(t.code, t.stderr).toBe(0);
    const epochs = t.stdout.split("\n").filter((l) => l.includes('"event":"epoch"')).map((l) => JSON.parse(l) as { epoch: number; val_loss: number });
    expect(epochs.length).toBeGreaterThan(1);
    const best = epochs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
    // The run went on past its best epoch, so restoring is what makes the figures equal.
    expect(best.epoch).toBeLessThan(epochs.length);
    const r = await runCli("evaluate", stopping, "--checkpoint", ckpt, "--json");
    const res = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    expect(res.validation!.loss).toBeCloseTo(best.val_loss, 5);
  }, 60_000);
});
