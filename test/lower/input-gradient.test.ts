// Input gradients (compiler/lower/input-gradient.ts) and adversarial training (adversarial.ts), in float64
// on the IR reference evaluator: the inputGradient and saliency steps against central differences of the
// evaluate and predict graphs, and the adversarial train step's loss against its definition.

import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import type { ModelProgram } from "../../compiler/program/types.js";
import { expectClose, outputOnly, programOf, randomArray, randomParams, seeded } from "./helpers.js";

const source = (train = "") => `
model Tiny {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]
  logits = image |> Conv2d(2, kernel: 3, pad: same) |> tanh |> max_pool(4)
    |> flatten |> Dense(6) |> tanh |> Dense(10)
}
data D = mnist() |> map(image: reshape(image, [1, 28, 28]))
train Tiny on D {
  loss      cross_entropy(logits, label)
  optimizer sgd(lr: 1)
  batch     2
  metrics   accuracy(logits, label)
  ${train}
}
`;

const B = 2;
const N = 28 * 28;

function setup(m: ModelProgram, seed: number) {
  const rand = seeded(seed);
  const state = randomParams(m.predict.graph, rand, 0.4);
  const image = randomArray(B * N, () => rand(0, 1));
  const label = [3, 7];
  return { rand, state, image, label };
}

/** Coordinates to probe: a spread over both examples. */
const probes = (rand: (lo?: number, hi?: number) => number) => Array.from({ length: 12 }, () => Math.floor(rand(0, B * N)));

describe("inputGradient step", () => {
  const m = programOf(source(), { inputGradients: true });
  it("has the per-example loss and the gradient of each model field", () => {
    const g = m.inputGradient!.graph;
    expect(g.outputs.map((o) => o.name)).toEqual(["loss", "grad.image"]);
    expect(g.nodes[g.outputs[1]!.node]!.shape).toEqual([B, 1, 28, 28]);
    expect(m.inputGradient!.updates).toEqual([]);
  });
  it("equals central differences of the summed per-example loss (float64)", () => {
    const { rand, state, image, label } = setup(m, 11);
    const grad = outputOnly(m.inputGradient!, "grad.image", { image, label }, state);
    const loss = outputOnly(m.inputGradient!, "loss", { image, label }, state);
    expectClose(loss, outputOnly(m.evaluate!, "loss", { image, label }, state), 1e-12);
    const total = (x: number[]) => outputOnly(m.evaluate!, "loss", { image: x, label }, state).reduce((a, v) => a + v, 0);
    const h = 1e-6;
    for (const i of probes(rand)) {
      const up = [...image];
      const down = [...image];
      up[i]! += h;
      down[i]! -= h;
      const fd = (total(up) - total(down)) / (2 * h);
      expect(Math.abs(grad[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    // Not all zero: the check above would pass on a graph that lost its input.
    expect(grad.some((v) => Math.abs(v) > 1e-6)).toBe(true);
  });
});

describe("saliency step", () => {
  const m = programOf(source(), { inputGradients: true });
  it("is the VJP of the first output: central differences of cotangent·logits", () => {
    const s = m.saliency!;
    expect(s.graph.outputs.map((o) => o.name)).toEqual(["logits", "grad.image"]);
    const { rand, state, image } = setup(m, 5);
    const cotangent = randomArray(B * 10, () => rand(-1, 1));
    const grad = outputOnly(s, "grad.image", { image, cotangent }, state);
    const f = (x: number[]) => outputOnly(m.predict, "logits", { image: x }, state).reduce((a, v, k) => a + v * cotangent[k]!, 0);
    const h = 1e-6;
    for (const i of probes(rand)) {
      const up = [...image];
      const down = [...image];
      up[i]! += h;
      down[i]! -= h;
      const fd = (f(up) - f(down)) / (2 * h);
      expect(Math.abs(grad[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    expect(grad.some((v) => Math.abs(v) > 1e-6)).toBe(true);
    expectClose(outputOnly(s, "logits", { image, cotangent }, state), outputOnly(m.predict, "logits", { image }, state), 1e-12);
  });
  it("is not lowered unless asked for", () => {
    const plain = programOf(source());
    expect(plain.inputGradient).toBeUndefined();
    expect(plain.saliency).toBeUndefined();
  });
});

describe("adversarial fgsm in the train step", () => {
  for (const mix of [0.5, 0]) {
    it(`loss = ${mix}·L(x) + ${1 - mix}·L(x + eps·sign(∂L/∂x)) (float64)`, () => {
      const eps = 0.1;
      const m = programOf(source(`adversarial fgsm(eps: ${eps}, mix: ${mix})`), { inputGradients: true });
      expect(m.training!.adversarial).toEqual({ method: "fgsm", eps, mix, randomStart: false });
      const { state, image, label } = setup(m, 23);
      const trainState: Record<string, number[]> = { ...state };
      for (const st of m.state) if (!(st.name in trainState)) trainState[st.name] = new Array<number>(sizeOf(st.shape)).fill(0);
      const got = outputOnly(m.train!, "loss", { image, label, lr: [1] }, trainState)[0]!;
      const mean = (x: number[]) => outputOnly(m.evaluate!, "loss", { image: x, label }, state).reduce((a, v) => a + v, 0) / B;
      const g = outputOnly(m.inputGradient!, "grad.image", { image, label }, state);
      const adv = image.map((v, i) => v + eps * Math.sign(g[i]!));
      const want = mix * mean(image) + (1 - mix) * mean(adv);
      expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
      // The perturbation matters (the check above is not vacuous).
      expect(Math.abs(mean(adv) - mean(image))).toBeGreaterThan(1e-3);
    });
  }
});

describe("adversarial fgsm with random_start", () => {
  it("loss = ½·L(x) + ½·L(clip(x0 + 1.25·eps·sign(∂L(x0)/∂x0), x ± eps)), x0 = x + U(−eps, eps) drawn in the step", () => {
    const eps = 0.1;
    const m = programOf(source(`adversarial fgsm(eps: ${eps}, random_start: true)`), { inputGradients: true });
    expect(m.training!.adversarial).toEqual({ method: "fgsm", eps, mix: 0.5, randomStart: true });
    const { state, image, label } = setup(m, 31);
    const trainState: Record<string, number[]> = { ...state };
    for (const st of m.state) if (!(st.name in trainState)) trainState[st.name] = new Array<number>(sizeOf(st.shape)).fill(0);
    const inputs = { image, label, lr: [1], step: [5] };
    const g = m.train!.graph;
    const draws = g.nodes.filter((n) => n.op === "random_uniform");
    expect(draws).toHaveLength(1);
    const u = outputOnly({ ...m.train!, graph: { ...g, outputs: [{ name: "u", node: draws[0]!.id }] } }, "u", inputs, trainState);
    const x0 = image.map((v, i) => v + (2 * u[i]! - 1) * eps);
    const grad = outputOnly(m.inputGradient!, "grad.image", { image: x0, label }, state);
    const adv = x0.map((v, i) => Math.min(image[i]! + eps, Math.max(image[i]! - eps, v + 1.25 * eps * Math.sign(grad[i]!))));
    const mean = (x: number[]) => outputOnly(m.evaluate!, "loss", { image: x, label }, state).reduce((a, v) => a + v, 0) / B;
    const got = outputOnly(m.train!, "loss", inputs, trainState)[0]!;
    const want = 0.5 * mean(image) + 0.5 * mean(adv);
    expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
    // The start is random and inside the ball: not all equal, all within eps.
    expect(Math.max(...u) - Math.min(...u)).toBeGreaterThan(0.5);
    expect(Math.max(...adv.map((v, i) => Math.abs(v - image[i]!)))).toBeLessThanOrEqual(eps + 1e-12);
  });
});

describe("adversarial setting diagnostics", () => {
  const codes = (train: string) => frontEnd(source(train), "t.dlm").diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
  it("accepts fgsm with eps and an optional mix", () => {
    expect(codes("adversarial fgsm(eps: 0.1)")).toEqual([]);
  });
  it("rejects a bad eps, a bad mix and an unknown method", () => {
    expect(codes("adversarial fgsm(eps: 0)")).toEqual([expect.stringMatching(/^DLM3009 fgsm: eps must be above 0/)]);
    expect(codes("adversarial fgsm(eps: 0.1, mix: 1)")).toEqual([expect.stringMatching(/^DLM3009 fgsm: mix/)]);
    expect(codes("adversarial pgd(eps: 0.1)")).toEqual([expect.stringMatching(/^DLM3014 unknown adversarial method 'pgd'/)]);
    expect(codes("adversarial fgsm(eps: 0.1), fgsm(eps: 0.2)")).toEqual([expect.stringMatching(/^DLM3009 adversarial takes one method/)]);
  });
  it("rejects the setting in a step block, at the setting", () => {
    const text = `
model M {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(10)
}
data D = mnist()
train T on D {
  m = M
  step {
    minimize cross_entropy(m(image), label) over m with adam(lr: 1e-3)
  }
  adversarial fgsm(eps: 0.1)
}
`;
    const errors = frontEnd(text, "t.dlm").diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.code} ${d.span.start.line}`)).toEqual(["DLM3015 13"]);
  });
});
