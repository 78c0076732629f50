// Convolutional lowering: a tiny Conv2d → relu → max_pool → flatten → Dense model against explicit loops
// (odd and even kernels with pad: same, the even one padding asymmetrically like PyTorch), and
// The CNN (test/fixtures/lower/cnn.dlm)'s train graph gradients against central differences.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectClose, outputOnly, modelGraph, programOf, randomArray, randomParams, run, runStep, seeded } from "./helpers.js";

/** Conv2d, stride 1, zero padding [before, after] on both spatial axes, explicit loops. */
function conv2d(x: number[], [n, c, h, w]: [number, number, number, number], weight: number[], bias: number[], o: number, k: number, pad: [number, number]): { y: number[]; shape: [number, number, number, number] } {
  const oh = h + pad[0] + pad[1] - k + 1;
  const ow = w + pad[0] + pad[1] - k + 1;
  const y: number[] = [];
  for (let b = 0; b < n!; b++)
    for (let q = 0; q < o; q++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = bias[q]!;
          for (let ci = 0; ci < c!; ci++)
            for (let di = 0; di < k; di++)
              for (let dj = 0; dj < k; dj++) {
                const yi = i + di - pad[0];
                const xj = j + dj - pad[0];
                if (yi < 0 || yi >= h! || xj < 0 || xj >= w!) continue;
                s += x[((b * c! + ci) * h! + yi) * w! + xj]! * weight[((q * c! + ci) * k + di) * k + dj]!;
              }
          y.push(s);
        }
  return { y, shape: [n, o, oh, ow] as [number, number, number, number] };
}

function maxPool2(x: number[], [n, c, h, w]: [number, number, number, number]): number[] {
  const out: number[] = [];
  for (let b = 0; b < n!; b++)
    for (let ci = 0; ci < c!; ci++)
      for (let i = 0; i < Math.floor(h! / 2); i++)
        for (let j = 0; j < Math.floor(w! / 2); j++) {
          let m = -Infinity;
          for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) m = Math.max(m, x[((b * c! + ci) * h! + 2 * i + di) * w! + 2 * j + dj]!);
          out.push(m);
        }
  return out;
}

function dense(x: number[], rows: number, inSize: number, w: number[], bias: number[]): number[] {
  const out: number[] = [];
  const units = bias.length;
  for (let r = 0; r < rows; r++)
    for (let u = 0; u < units; u++) {
      let s = bias[u]!;
      for (let i = 0; i < inSize; i++) s += x[r * inSize + i]! * w[u * inSize + i]!;
      out.push(s);
    }
  return out;
}

describe("tiny CNN against explicit loops", () => {
  for (const k of [3, 2]) {
    it(`kernel ${k}, pad: same`, () => {
      const src = `model Tiny {
        input  image: f32[B, 2, 6, 6]
        output logits: f32[B, 3]
        logits = image |> Conv2d(4, kernel: ${k}, pad: same) |> relu |> max_pool(2) |> flatten |> Dense(3)
      }`;
      const g = modelGraph(src, "Tiny", { B: 2 });
      const rand = seeded(11 + k);
      const params = randomParams(g, rand);
      const image = randomArray(2 * 2 * 6 * 6, () => rand());
      const got = run(g, { image }, params)["logits"]!;
      const total = k - 1;
      const pad: [number, number] = [Math.floor(total / 2), total - Math.floor(total / 2)];
      const c = conv2d(image, [2, 2, 6, 6], params["conv2d_0.weight"]!, params["conv2d_0.bias"]!, 4, k, pad);
      expect(c.shape).toEqual([2, 4, 6, 6]);
      const pooled = maxPool2(c.y.map((v) => Math.max(0, v)), c.shape);
      expectClose(got, dense(pooled, 2, 36, params["dense_0.weight"]!, params["dense_0.bias"]!), 1e-12);
    });
  }
});

describe("cnn.dlm", () => {
  const source = readFileSync(new URL("../fixtures/lower/cnn.dlm", import.meta.url), "utf8").replace("adam(lr: 1e-3)", "sgd(lr: 1)");
  it("train-step gradients equal central differences of its loss", () => {
    const m = programOf(source, { batch: 1 });
    const rand = seeded(21);
    const w: Record<string, number[]> = {};
    for (const s of m.state) w[s.name] = randomArray(s.shape.reduce((a, d) => a * d, 1), () => rand(-0.15, 0.15));
    const inputs = { image: randomArray(784, () => rand(0, 1)), label: [4], lr: [1] };
    const base = runStep(m.train!, inputs, w);
    const lossAt = (name: string, i: number, h: number) =>
      outputOnly(m.train!, "loss", inputs, { ...w, [name]: w[name]!.map((v, k) => (k === i ? v + h : v)) })[0]!;
    const r = seeded(5);
    for (const s of m.state.filter((x) => x.role === "param")) {
      const n = w[s.name]!.length;
      for (let t = 0; t < 2; t++) {
        const i = Math.floor(r(0, 1) * n);
        const g = w[s.name]![i]! - base.updates[s.name]![i]!;
        const fd = (lossAt(s.name, i, 1e-6) - lossAt(s.name, i, -1e-6)) / 2e-6;
        expect(Math.abs(g - fd)).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
      }
    }
  });
});
