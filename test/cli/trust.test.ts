// dlm attack and dlm explain, run in-process as a user would on a tiny classifier of the bundled digits,
// and the attacks themselves (fgsm, pgd) against what they must produce on a linear loss.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accuracy, fgsm, pgd } from "../../compiler/cli/attack.js";
import { runCli } from "./run.js";

describe("fgsm and pgd", () => {
  // loss = Σ w·x: the gradient is w everywhere, so the worst point of the eps-ball is x + eps·sign(w).
  const w = Float32Array.from([0.5, -2, 0, 3, -0.1, 1]);
  const x = Float32Array.from([0.5, 0.5, 0.5, 0.95, 0.02, 0.3]);
  const gradientOf = () => w;
  const box = { eps: 0.1, lo: 0, hi: 1 };
  const worst = Array.from(x, (v, i) => Math.min(1, Math.max(0, v + 0.1 * Math.sign(w[i]!))));
  it("fgsm steps eps along the gradient's sign, inside the data range", () => {
    const adv = fgsm(x, gradientOf, box);
    adv.forEach((v, i) => expect(v).toBeCloseTo(worst[i]!, 6));
  });
  it("pgd stays in the eps-ball and the range, and reaches the worst point of a linear loss", () => {
    const adv = pgd(x, gradientOf, { ...box, steps: 10, alpha: 0.025, seed: 1 });
    adv.forEach((v, i) => {
      expect(Math.abs(v - x[i]!)).toBeLessThanOrEqual(0.1 + 1e-6);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      if (w[i] !== 0) expect(v).toBeCloseTo(worst[i]!, 6);
    });
  });
  it("accuracy counts argmax hits", () => {
    expect(accuracy(Float32Array.from([0, 1, 2, 5, 1, 0]), Int32Array.from([2, 0]), 3)).toBe(1);
    expect(accuracy(Float32Array.from([0, 1, 2, 5, 1, 0]), Int32Array.from([1, 0]), 3)).toBe(0.5);
  });
});

const dir = mkdtempSync(join(tmpdir(), "dlm-trust-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const classifier = file("clf.dlm", `
model Clf {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(32) |> relu |> Dense(10)
}
data Digits = mnist() |> split(train: 0.3, test: 0.1, seed: 1)
train Clf on Digits {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 3e-3)
  batch     50
  epochs    2
  metrics   accuracy(logits, label)
  seed      3
}
`);
const checkpoint = join(dir, "clf.safetensors");

describe("dlm attack and dlm explain", () => {
  beforeAll(async () => {
    const r = await runCli("train", classifier, "--save", checkpoint);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  const figures = (stdout: string) => {
    const m = /clean accuracy ([\d.]+)\s+adversarial accuracy ([\d.]+)/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    return { clean: Number(m![1]), adversarial: Number(m![2]) };
  };

  it("FGSM at eps 0.1 lowers the accuracy; a negligible eps does not", async () => {
    const r = await runCli("attack", classifier, "--checkpoint", checkpoint, "--eps", "0.1", "--limit", "300");
    expect(r.code, r.stderr).toBe(0);
    const f = figures(r.stdout);
    expect(f.clean).toBeGreaterThan(0.7);
    expect(f.adversarial).toBeLessThan(f.clean - 0.2);
    const tiny = figures((await runCli("attack", classifier, "--checkpoint", checkpoint, "--eps", "1e-7", "--limit", "300")).stdout);
    expect(Math.abs(tiny.adversarial - tiny.clean)).toBeLessThanOrEqual(0.01);
  }, 300_000);

  it("PGD (JSON output) is at least as strong as FGSM on the same examples", async () => {
    const r = await runCli("attack", classifier, "--checkpoint", checkpoint, "--eps", "0.1", "--method", "pgd", "--steps", "5", "--limit", "300", "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { method: string; clean_accuracy: number; adversarial_accuracy: number };
    expect(j.method).toBe("pgd");
    const fg = figures((await runCli("attack", classifier, "--checkpoint", checkpoint, "--eps", "0.1", "--limit", "300")).stdout);
    expect(j.adversarial_accuracy).toBeLessThanOrEqual(fg.adversarial + 0.02);
  }, 300_000);

  it("explain writes the example, its saliency map and the overlay as one PNG", async () => {
    const out = join(dir, "s.png");
    const r = await runCli("explain", classifier, "--checkpoint", checkpoint, "--input", "3", "-o", out, "--scale", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test example 3, label \d, predicted \d .*explained class \d by saliency/);
    const png = decode(readFileSync(out));
    // three 56-pixel tiles and borders of 2 around and between them
    expect([png.width, png.height]).toEqual([3 * 56 + 4 * 2, 56 + 2 * 2]);
  }, 300_000);

  it("explain --method ig prints completeness: Σ attributions ≈ F(x) − F(0)", async () => {
    const r = await runCli("explain", classifier, "--checkpoint", checkpoint, "--input", "0", "--method", "ig", "-o", join(dir, "ig.png"));
    expect(r.code, r.stderr).toBe(0);
    const m = /Σ attributions (-?[\d.]+) vs F\(x\) − F\(0\) (-?[\d.]+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Math.abs(Number(m![1]) - Number(m![2]))).toBeLessThanOrEqual(0.05 * Math.abs(Number(m![2])) + 1e-3);
  }, 300_000);

  it("bad invocations exit 2 with one message", async () => {
    for (const argv of [
      ["attack", classifier],
      ["attack", classifier, "--checkpoint", checkpoint, "--eps", "-1"],
      ["attack", classifier, "--checkpoint", checkpoint, "--method", "cw"],
      ["explain", classifier, "--checkpoint", checkpoint],
      ["explain", classifier, "--checkpoint", checkpoint, "--input", "99999"],
    ]) {
      const r = await runCli(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^dlm: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 300_000);
});
