// The MLP (test/fixtures/lower/mlp.dlm) end to end through lowering: predict against explicit loops, evaluate's per-example
// loss against a hand-written cross-entropy, the train graph's gradients against central differences of
// its own loss, and one Adam step against a hand-written Adam update.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ModelProgram } from "../../compiler/program/types.js";
import { expectClose, outputOnly, programOf, randomArray, runStep, seeded } from "./helpers.js";

const source = readFileSync(new URL("../fixtures/lower/mlp.dlm", import.meta.url), "utf8");
const B = 2;

function weights(m: ModelProgram, seed: number): Record<string, number[]> {
  const rand = seeded(seed);
  const out: Record<string, number[]> = {};
  for (const s of m.state) {
    const n = s.shape.reduce((a, d) => a * d, 1);
    out[s.name] = s.role === "optimizer" ? new Array<number>(n).fill(0) : randomArray(n, () => rand(-0.08, 0.08));
  }
  return out;
}

/** logits = relu(x·W1ᵀ + b1)·W2ᵀ + b2, with explicit loops. */
function handForward(w: Record<string, number[]>, image: number[], names: { w1: string; b1: string; w2: string; b2: string }): number[][] {
  const [W1, b1, W2, b2] = [w[names.w1]!, w[names.b1]!, w[names.w2]!, w[names.b2]!];
  const out: number[][] = [];
  for (let n = 0; n < B; n++) {
    const h: number[] = [];
    for (let j = 0; j < 256; j++) {
      let s = b1[j]!;
      for (let i = 0; i < 784; i++) s += image[n * 784 + i]! * W1[j * 784 + i]!;
      h.push(Math.max(0, s));
    }
    const row: number[] = [];
    for (let k = 0; k < 10; k++) {
      let s = b2[k]!;
      for (let j = 0; j < 256; j++) s += h[j]! * W2[k * 256 + j]!;
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

function crossEntropy(logits: number[], label: number): number {
  const mx = Math.max(...logits);
  const lse = mx + Math.log(logits.reduce((s, v) => s + Math.exp(v - mx), 0));
  return lse - logits[label]!;
}

describe("mlp.dlm", () => {
  const m = programOf(source, { batch: B });
  const rand = seeded(3);
  const image = randomArray(B * 784, () => rand(0, 1));
  const label = [3, 7];
  const names = { w1: "hidden.weight", b1: "hidden.bias", w2: "", b2: "" };
  const second = m.state.find((s) => s.role === "param" && s.name.endsWith(".weight") && s.name !== "hidden.weight")!;
  names.w2 = second.name;
  names.b2 = second.name.replace(/weight$/, "bias");

  it("has PyTorch-named state and the contract's shapes", () => {
    expect(m.state.filter((s) => s.role === "param").map((s) => [s.name, s.shape])).toEqual([
      ["hidden.weight", [256, 784]], ["hidden.bias", [256]], [names.w2, [10, 256]], [names.b2, [10]],
    ]);
    expect(m.state.filter((s) => s.role === "optimizer").map((s) => s.name)).toEqual([
      "hidden.weight.adam_m", "hidden.weight.adam_v", "hidden.bias.adam_m", "hidden.bias.adam_v",
      `${names.w2}.adam_m`, `${names.w2}.adam_v`, `${names.b2}.adam_m`, `${names.b2}.adam_v`,
    ]);
    expect(m.inputs).toEqual([{ name: "image", dtype: "f32", shape: [B, 28, 28] }]);
    expect(m.outputs).toEqual([{ name: "logits", dtype: "f32", shape: [B, 10] }]);
    expect(m.fields.map((f) => [f.name, f.dtype, f.shape])).toEqual([["image", "f32", [B, 28, 28]], ["label", "i32", [B]]]);
    expect(m.training?.objectives[0]?.optimizer).toEqual({ kind: "adam", lr: 1e-3, config: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 } });
    expect(m.train!.hostScalars.map((h) => h.name).sort()).toEqual(["bias_correction1", "bias_correction2", "lr", "step"]);
  });

  it("predict equals explicit loops (dropout is the identity in eval mode)", () => {
    const w = weights(m, 1);
    const got = runStep(m.predict, { image }, w).outputs["logits"]!;
    expectClose(got, handForward(w, image, names).flat(), 1e-12);
  });

  it("evaluate gives per-example cross-entropy and accuracy", () => {
    const w = weights(m, 2);
    const logits = handForward(w, image, names);
    const { outputs } = runStep(m.evaluate!, { image, label }, w);
    expectClose(outputs["loss"]!, logits.map((l, n) => crossEntropy(l, label[n]!)), 1e-12);
    const argmax = (l: number[]) => l.indexOf(Math.max(...l));
    expect(outputs["accuracy"]).toEqual(logits.map((l, n) => (argmax(l) === label[n] ? 1 : 0)));
  });

  it("train-step gradients equal central differences of its loss", () => {
    // With sgd(lr: 1) the update is p − g, so the gradient the train graph computed is p − p'.
    const sgd = programOf(source.replace("adam(lr: 1e-3)", "sgd(lr: 1)"), { batch: B });
    const w = weights(sgd, 4);
    const inputs = { image, label, lr: [1], step: [5] };
    const base = runStep(sgd.train!, inputs, w);
    const lossAt = (name: string, i: number, h: number) => {
      const moved = { ...w, [name]: w[name]!.map((v, k) => (k === i ? v + h : v)) };
      return outputOnly(sgd.train!, "loss", inputs, moved)[0]!;
    };
    const r = seeded(9);
    for (const s of sgd.state.filter((x) => x.role === "param")) {
      const n = w[s.name]!.length;
      for (let t = 0; t < 6; t++) {
        const i = Math.floor(r(0, 1) * n);
        const g = w[s.name]![i]! - base.updates[s.name]![i]!;
        const fd = (lossAt(s.name, i, 1e-6) - lossAt(s.name, i, -1e-6)) / 2e-6;
        expect(Math.abs(g - fd)).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
      }
    }
  });

  it("dropout in train mode zeroes some activations and scales the rest by 1/(1 − p)", () => {
    const sgd = programOf(source.replace("adam(lr: 1e-3)", "sgd(lr: 1)"), { batch: B });
    const w = weights(sgd, 4);
    const a = runStep(sgd.train!, { image, label, lr: [1], step: [1] }, w).outputs["loss"]![0]!;
    const b = runStep(sgd.train!, { image, label, lr: [1], step: [2] }, w).outputs["loss"]![0]!;
    const evalLoss = runStep(sgd.evaluate!, { image, label }, w).outputs["loss"]!;
    // Different steps draw different masks, and neither equals the (mask-free) eval loss.
    expect(a).not.toBe(b);
    expect(a).not.toBeCloseTo((evalLoss[0]! + evalLoss[1]!) / 2, 10);
  });

  it("the seed changes the dropout masks; one seed reproduces them", () => {
    const variant = (seed: number) => programOf(source.replace("adam(lr: 1e-3)", "sgd(lr: 1)").replace("seed      42", `seed      ${seed}`), { batch: B });
    const w = weights(variant(42), 4);
    const loss = (seed: number) => runStep(variant(seed).train!, { image, label, lr: [1], step: [1] }, w).outputs["loss"]![0]!;
    expect(loss(42)).toBe(loss(42));
    expect(loss(42)).not.toBe(loss(7));
  });

  it("one Adam step equals a hand-written Adam update", () => {
    const sgd = programOf(source.replace("adam(lr: 1e-3)", "sgd(lr: 1)"), { batch: B });
    const w = weights(m, 6);
    const step = { image, label, step: [3] };
    const grads = runStep(sgd.train!, { ...step, lr: [1] }, w).updates;
    const lr = 1e-3;
    const got = runStep(m.train!, { ...step, lr: [lr], bias_correction1: [1 - 0.9], bias_correction2: [1 - 0.999] }, w).updates;
    for (const s of m.state.filter((x) => x.role === "param")) {
      const g = w[s.name]!.map((p, i) => p - grads[s.name]![i]!);
      const mNew = g.map((gi) => 0.1 * gi);
      const vNew = g.map((gi) => 0.001 * gi * gi);
      const want = w[s.name]!.map((p, i) => p - (lr * (mNew[i]! / 0.1)) / (Math.sqrt(vNew[i]! / 0.001) + 1e-8));
      expectClose(got[s.name]!, want, 1e-9);
      expectClose(got[`${s.name}.adam_m`]!, mNew, 1e-12);
      expectClose(got[`${s.name}.adam_v`]!, vNew, 1e-12);
    }
  });
});
