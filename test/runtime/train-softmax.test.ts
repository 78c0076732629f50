// Integration: the runtime pieces compose into a training loop the way generated code will use them —
// bundled MNIST → seeded split → Batcher → matmul / logSoftmax / takeAlongLastAxis forward, the matching
// backward kernels, an SGD step — and a softmax regression learns (held-out accuracy well above chance),
// reproducibly for a seed.

import { describe, expect, it } from "vitest";
import { Batcher, Dataset } from "../../runtime/data/dataset.js";
import { loadMnist } from "../../runtime/data/mnist.js";
import { axpy } from "../../runtime/kernels/fill.js";
import { logSoftmax, logSoftmaxBackward } from "../../runtime/kernels/log-softmax.js";
import { matmul } from "../../runtime/kernels/matmul.js";
import { reduceMax } from "../../runtime/kernels/reduce-max.js";
import { reduceSum } from "../../runtime/kernels/reduce-sum.js";
import { scatterAlongLastAxis, takeAlongLastAxis } from "../../runtime/kernels/take-along-last-axis.js";
import { createRng } from "../../runtime/rng.js";

function train(seed: number): { accuracy: number; firstLoss: number; lastLoss: number } {
  const rng = createRng(seed);
  const all = Dataset.fromImages(loadMnist()).reshape("image", [784]);
  const { train: tr, test: te } = all.split({ train: 3000, test: 1000 }, rng.fork("split"));
  const B = 50;
  const D = 784;
  const C = 10;
  const w = new Float32Array(D * C);
  rng.fork("init").fillNormal(w, 0, 0.01);
  const bias = new Float32Array(C);
  // per-step buffers, allocated once
  const logits = new Float32Array(B * C);
  const logp = new Float32Array(B * C);
  const picked = new Float32Array(B);
  const dPicked = new Float32Array(B).fill(-1 / B);
  const dLogp = new Float32Array(B * C);
  const dLogits = new Float32Array(B * C);
  const dw = new Float32Array(D * C);
  const db = new Float32Array(C);
  const ones = new Float32Array(B).fill(1);

  const batches = new Batcher(tr!, B, { shuffle: rng.fork("shuffle"), partial: "drop" });
  const x = batches.buffers.image as Float32Array;
  const y = batches.buffers.label as Int32Array;
  let firstLoss = NaN;
  let lastLoss = NaN;
  for (let epoch = 0; epoch < 2; epoch++) {
    batches.startEpoch();
    while (batches.next() > 0) {
      matmul(x, w, logits, B, C, D, false, false, false);
      matmul(ones, bias, logits, B, C, 1, false, false, true); // + bias broadcast as a rank-1 update
      logSoftmax(logits, logp, B, C);
      takeAlongLastAxis(logp, y, picked, B, C, -1);
      let loss = 0;
      for (let i = 0; i < B; i++) loss -= picked[i]! / B;
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      lastLoss = loss;
      scatterAlongLastAxis(dPicked, y, dLogp, B, C, -1, false);
      logSoftmaxBackward(logp, dLogp, dLogits, B, C);
      matmul(x, dLogits, dw, D, C, B, true, false, false);
      reduceSum(dLogits, db, 1, B, C, false);
      axpy(-0.5, dw, w);
      axpy(-0.5, db, bias);
    }
  }

  const evalBatches = new Batcher(te!, 64, { shuffle: null, partial: "pad" });
  const ex = evalBatches.buffers.image as Float32Array;
  const ey = evalBatches.buffers.label as Int32Array;
  const out = new Float32Array(64 * C);
  const best = new Float32Array(64);
  const arg = new Int32Array(64);
  const ones64 = new Float32Array(64).fill(1);
  let correct = 0;
  let n: number;
  evalBatches.startEpoch();
  while ((n = evalBatches.next()) > 0) {
    matmul(ex, w, out, 64, C, D, false, false, false);
    matmul(ones64, bias, out, 64, C, 1, false, false, true);
    reduceMax(out, best, arg, 64, C, 1);
    for (let i = 0; i < n; i++) if (arg[i] === ey[i]) correct++;
  }
  return { accuracy: correct / te!.count, firstLoss, lastLoss };
}

describe("softmax regression on the bundled digits", () => {
  it("learns, and is bit-reproducible for a seed", () => {
    const a = train(42);
    expect(a.firstLoss).toBeGreaterThan(2);
    expect(a.lastLoss).toBeLessThan(0.8);
    expect(a.accuracy).toBeGreaterThan(0.8);
    const b = train(42);
    expect(b).toEqual(a);
  });
});
