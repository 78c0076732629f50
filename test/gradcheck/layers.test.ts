// Whole-layer gradchecks, composed here from primitive ops the way lowering will compose them: a dense
// layer with softmax cross-entropy (ignore index), conv + pooling, layer norm, an LSTM cell unrolled over
// three steps, and a causal self-attention head. These catch rules that are right alone but combine
// wrongly (accumulation over shared inputs, broadcasting of batch dims, masks).

import { describe, expect, it } from "vitest";
import type { GradCase } from "./harness.js";
import { gradcheck } from "./harness.js";

const layers: GradCase[] = [
  {
    name: "dense + softmax cross-entropy with ignore index", op: "log_softmax",
    inputs: {
      x: { shape: [4, 5] }, w: { shape: [5, 3] }, bias: { shape: [3] },
      label: { shape: [4], dtype: "i32", values: [2, 0, -100, 1] },
    },
    build: (b, { x, w, bias, label }) => {
      const logits = b.add(b.matmul(x!, w!), bias!);
      const picked = b.takeAlongAxis(b.logSoftmax(logits, -1), label!, -1, -100);
      const valid = b.sum(b.binary("greater", b.cast(label!, "f32"), b.scalar(-1)));
      return b.div(b.neg(b.sum(picked)), valid);
    },
  },
  {
    name: "conv + bias + relu + max_pool + avg_pool", op: "conv2d",
    inputs: { x: { shape: [2, 1, 6, 6] }, w: { shape: [3, 1, 3, 3] }, bias: { shape: [3] } },
    build: (b, { x, w, bias }) => {
      const y = b.add(b.conv2d(x!, w!, { pad: 1 }), b.reshape(bias!, [1, 3, 1, 1]));
      return b.avgPool2d(b.maxPool2d(b.unary("relu", y), 2), 3);
    },
  },
  {
    name: "layer norm", op: "rsqrt",
    inputs: { x: { shape: [3, 6] }, gamma: { shape: [6] }, beta: { shape: [6] } },
    build: (b, { x, gamma, beta }) => {
      const xc = b.sub(x!, b.mean(x!, -1, true));
      const inv = b.unary("rsqrt", b.add(b.mean(b.unary("square", xc), -1, true), b.scalar(1e-5)));
      return b.add(b.mul(b.mul(xc, inv), gamma!), beta!);
    },
  },
  {
    name: "LSTM cell unrolled 3 steps", op: "sigmoid",
    inputs: { x: { shape: [3, 2, 3] }, wx: { shape: [3, 16] }, wh: { shape: [4, 16] }, bias: { shape: [16] } },
    build: (b, { x, wx, wh, bias }) => {
      const H = 4;
      let h = b.const([0], [2, H]);
      let c = b.const([0], [2, H]);
      const hs: number[] = [];
      for (let t = 0; t < 3; t++) {
        const xt = b.reshape(b.slice(x!, 0, t, t + 1), [2, 3]);
        const z = b.add(b.add(b.matmul(xt, wx!), b.matmul(h, wh!)), bias!);
        const gate = (k: number) => b.slice(z, 1, k * H, (k + 1) * H);
        const [i, f, g, o] = [b.unary("sigmoid", gate(0)), b.unary("sigmoid", gate(1)), b.unary("tanh", gate(2)), b.unary("sigmoid", gate(3))];
        c = b.add(b.mul(f, c), b.mul(i, g));
        h = b.mul(o, b.unary("tanh", c));
        hs.push(b.reshape(h, [1, 2, H]));
      }
      return b.concat(hs, 0);
    },
  },
  {
    name: "causal self-attention head", op: "softmax",
    inputs: { x: { shape: [2, 4, 6] }, wq: { shape: [6, 5] }, wk: { shape: [6, 5] }, wv: { shape: [6, 5] } },
    build: (b, { x, wq, wk, wv }) => {
      const T = 4;
      const [q, k, v] = [b.matmul(x!, wq!), b.matmul(x!, wk!), b.matmul(x!, wv!)];
      const scores = b.scale(b.matmul(q, k, { transB: true }), 1 / Math.sqrt(5));
      const causal = b.const(Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0)), [T, T]);
      const p = b.softmax(b.select(causal, scores, b.scalar(-1e9)), -1);
      return b.unary("gelu", b.matmul(p, v));
    },
  },
  {
    name: "embedding + mean pooling + dense", op: "gather",
    inputs: { table: { shape: [6, 4] }, tokens: { shape: [2, 3], dtype: "i32", values: [1, 5, 1, 0, 2, 2] }, w: { shape: [4, 2] } },
    build: (b, { table, tokens, w }) => b.matmul(b.mean(b.gather(table!, tokens!), 1), w!),
  },
  {
    name: "transposed conv decoder (upsample + conv2d_backward_input)", op: "conv2d_backward_input",
    inputs: { z: { shape: [1, 3, 2, 2] }, w: { shape: [3, 2, 3, 3] } },
    build: (b, { z, w }) => b.unary("tanh", b.conv2dBackwardInput(b.upsampleNearest2d(z!, 2), w!, [8, 8], { stride: 2, pad: 1 })),
  },
];

describe("gradcheck of composed layers", () => {
  it.each(layers.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const r = gradcheck(c, 7);
    expect(r.opPresent).toBe(true);
    expect(r.independent).toEqual([]);
    expect(r.checked).toBeGreaterThan(10);
    expect(r.mismatches.slice(0, 5)).toEqual([]);
  });
});
