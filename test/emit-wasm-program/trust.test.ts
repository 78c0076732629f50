// The input-gradient API of generated classes (inputGradient, saliency, integratedGradients) on both
// targets: the emitted module type-checks; TS and Wasm agree within 1e-5; both match the float64 reference
// evaluator on the same weights; integrated gradients are complete (Σ attributions = F(x) − F(baseline)
// within 5% at 100 steps, the test) on a ReLU CNN.

import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { evaluate } from "../../compiler/ir/reference.js";
import type { CompiledProgram, StepGraph } from "../../compiler/program/types.js";
import { typeErrors } from "../emit/harness.js";
import { expectNormClose, loadBoth } from "./helpers.js";

const source = `
model Tiny {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]
  logits = image |> Conv2d(4, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> Conv2d(4, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> flatten |> dropout(0.2) |> Dense(16) |> relu |> Dense(10)
}
data D = mnist() |> map(image: reshape(image, [1, 28, 28]))
train Tiny on D {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 1e-3)
  batch     4
  metrics   accuracy(logits, label)
  seed      3
}
`;

function compiled(text = source): CompiledProgram {
  const fe = frontEnd(text, "tiny.dlm");
  expect(fe.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const low = lowerProgram(fe.checked, "tiny.dlm", { inputGradients: true });
  expect(low.diagnostics).toEqual([]);
  return optimizeProgram(low.program, { verify: true }).program;
}

interface TrustModel {
  parameters(): Record<string, Float32Array>;
  inputGradient(batch: { image: Float32Array; label: Int32Array }): { loss: Float32Array; gradients: { image: Float32Array } };
  saliency(inputs: { image: Float32Array }, classIndex: number | ArrayLike<number>): { scores: Float32Array; gradients: { image: Float32Array } };
  integratedGradients(inputs: { image: Float32Array }, classIndex: number | ArrayLike<number>, options?: { baseline?: { image?: Float32Array }; steps?: number }):
    { attributions: { image: Float32Array }; scores: Float32Array; baselineScores: Float32Array };
}

/** Images in [0, 1] with some structure (a bright blob per example) and labels. */
function examples(count: number, seed: number): { image: Float32Array; label: Int32Array } {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const image = new Float32Array(count * 784);
  for (let e = 0; e < count; e++) {
    const cy = 6 + rand() * 16;
    const cx = 6 + rand() * 16;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) image[e * 784 + y * 28 + x] = Math.min(1, Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / 20) + 0.1 * rand());
  }
  return { image, label: Int32Array.from({ length: count }, () => Math.floor(rand() * 10)) };
}

interface Trainable {
  trainStep(batch: { image: Float32Array; label: Int32Array }): { loss: number };
}

/** The quadrant (0–3) of each image's brightest pixel. */
function quadrants(image: Float32Array): Int32Array {
  const count = image.length / 784;
  return Int32Array.from({ length: count }, (_, e) => {
    let best = 0;
    for (let k = 1; k < 784; k++) if (image[e * 784 + k]! > image[e * 784 + best]!) best = k;
    return (Math.floor(best / 28) < 14 ? 0 : 2) + (best % 28 < 14 ? 0 : 1);
  });
}

function reference(step: StepGraph, inputs: Record<string, ArrayLike<number>>, state: Record<string, Float32Array>, output: string): Float64Array {
  const values = evaluate(step.graph, inputs, state);
  const o = step.graph.outputs.find((x) => x.name === output)!;
  return values[o.node]!.data as Float64Array;
}

describe("input gradients on both targets", () => {
  const program = compiled();
  const model = program.models[0]!;

  it("the TS module with the trust methods type-checks under strict settings", async () => {
    const out = await emitTypeScript(program);
    const text = out.files["tiny.ts"]!;
    expect(text).toMatch(/inputGradient\(batch: TinyBatch\)/);
    expect(text).toMatch(/integratedGradients\(/);
    expect(typeErrors(out.files)).toEqual([]);
  }, 120_000);

  it("TS and Wasm agree (1e-5) and match the float64 reference; any number of examples", async () => {
    const { ts, wasm } = await loadBoth(program, model.name);
    const a = (await ts.create({ seed: 9 })) as unknown as TrustModel;
    const b = (await wasm.create({ seed: 9 })) as unknown as TrustModel;
    const data = examples(6, 1); // 6 = a full batch and a padded one
    const ga = a.inputGradient(data);
    const gb = b.inputGradient(data);
    expectNormClose(gb.gradients.image, ga.gradients.image, "wasm inputGradient");
    expectNormClose(gb.loss, ga.loss, "wasm loss");
    const state = a.parameters();
    const first = { image: data.image.subarray(0, 4 * 784), label: data.label.subarray(0, 4) };
    expectNormClose(ga.gradients.image.subarray(0, 4 * 784), reference(model.inputGradient!, first, state, "grad.image"), "TS vs reference", 1e-4);
    // The padded chunk's examples get their own gradients: the same as in a full batch of their own.
    const last = a.inputGradient({ image: data.image.slice(4 * 784), label: data.label.slice(4) });
    expectNormClose(last.gradients.image, ga.gradients.image.subarray(4 * 784), "padded chunk", 1e-6);

    const classes = [1, 2, 3, 4, 5, 6];
    const sa = a.saliency({ image: data.image }, classes);
    const sb = b.saliency({ image: data.image }, classes);
    expectNormClose(sb.gradients.image, sa.gradients.image, "wasm saliency");
    expectNormClose(sb.scores, sa.scores, "wasm scores");
    const cotangent = new Float64Array(4 * 10);
    for (let r = 0; r < 4; r++) cotangent[r * 10 + classes[r]!] = 1;
    const ref = reference(model.saliency!, { image: first.image, cotangent }, state, "grad.image");
    expectNormClose(sa.gradients.image.subarray(0, 4 * 784), ref, "saliency vs reference", 1e-4);
    expect(Math.max(...sa.gradients.image.map(Math.abs))).toBeGreaterThan(0);
    expect(() => a.saliency({ image: data.image }, 10)).toThrow(/classIndex 10/);
  }, 180_000);

  it("integrated gradients are complete: Σ attributions = F(x) − F(baseline) within 5% at 100 steps", async () => {
    const { ts, wasm } = await loadBoth(program, model.name);
    const a = (await ts.create({ seed: 4 })) as unknown as TrustModel & Trainable;
    const b = (await wasm.create({ seed: 4 })) as unknown as TrustModel;
    // A few steps of training (label: the blob's quadrant) so that scores differ by more than noise.
    for (let step = 0; step < 150; step++) {
      const batch = examples(4, 100 + step);
      batch.label = quadrants(batch.image);
      a.trainStep(batch);
    }
    for (const [name, v] of Object.entries(a.parameters())) b.parameters()[name]!.set(v);
    const data = examples(3, 7);
    data.label = quadrants(data.image);
    const ig = a.integratedGradients({ image: data.image }, data.label, { steps: 100 });
    const igw = b.integratedGradients({ image: data.image }, data.label, { steps: 100 });
    expectNormClose(igw.attributions.image, ig.attributions.image, "wasm attributions", 1e-4);
    const plain = a.saliency({ image: data.image }, data.label);
    for (let e = 0; e < 3; e++) {
      let sum = 0;
      for (let k = 0; k < 784; k++) sum += ig.attributions.image[e * 784 + k]!;
      const delta = ig.scores[e]! - ig.baselineScores[e]!;
      expect(ig.scores[e]).toBeCloseTo(plain.scores[e]!, 5);
      expect(Math.abs(delta)).toBeGreaterThan(1);
      expect(Math.abs(sum - delta)).toBeLessThanOrEqual(0.05 * Math.abs(delta));
    }
    // A non-zero baseline: F(baseline) is the score of that image.
    const grey = new Float32Array(784).fill(0.5);
    const ig2 = a.integratedGradients({ image: data.image.subarray(0, 784) }, 2, { baseline: { image: grey }, steps: 50 });
    expect(ig2.baselineScores[0]).toBeCloseTo(a.saliency({ image: grey }, 2).scores[0]!, 5);
  }, 180_000);
});

describe("adversarial training on both targets", () => {
  it("fgsm(random_start: true): the TS and Wasm train steps draw the same start and agree on the loss", async () => {
    const program = compiled(source.replace("seed      3", "seed      3\n  adversarial fgsm(eps: 0.1, random_start: true)"));
    expect(program.models[0]!.training!.adversarial?.randomStart).toBe(true);
    const { ts, wasm } = await loadBoth(program, program.models[0]!.name);
    const a = (await ts.create({ seed: 2 })) as unknown as Trainable;
    const b = (await wasm.create({ seed: 2 })) as unknown as Trainable;
    for (let step = 0; step < 3; step++) {
      const batch = examples(4, 50 + step);
      const la = a.trainStep(batch).loss;
      const lb = b.trainStep(batch).loss;
      // The sign of a gradient entry within float32 noise of zero may differ between targets: a tolerance.
      expect(Math.abs(la - lb)).toBeLessThan(1e-3 * Math.abs(la));
    }
  }, 180_000);
});
