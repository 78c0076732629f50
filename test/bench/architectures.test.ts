// The contenders run the protocol's architectures: dlm's protocol models (compiled through the real
// pipeline) and the TF.js models have the parameter counts computed by hand from the layer sizes, and
// dlm's model really trains (the loss on one fixed batch falls) and predicts a batch of 256.

import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { protocolClass } from "../../bench/compare/dlm.js";
import { WORKLOADS } from "../../bench/compare/protocol.js";
import { buildModel } from "../../bench/compare/tfjs.js";

const dense = (i: number, o: number) => i * o + o;
const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
const EXPECTED_PARAMS = {
  mlp: dense(784, 256) + dense(256, 128) + dense(128, 10),
  cnn: conv(1, 32, 3) + conv(32, 64, 3) + dense(64 * 7 * 7, 128) + dense(128, 10),
};
const workload = (name: "mlp" | "cnn") => WORKLOADS.find((w) => w.name === name)!;

describe("architectures", () => {
  it.each(["mlp", "cnn"] as const)("TF.js %s has the protocol's parameter count", async (name) => {
    await tf.setBackend("cpu");
    const model = buildModel(tf, workload(name));
    expect(model.countParams()).toBe(EXPECTED_PARAMS[name]);
    model.dispose();
  });

  it.each(["mlp", "cnn"] as const)("dlm %s has the protocol's parameter count", async (name) => {
    const cls = await protocolClass(workload(name));
    expect(cls.batch).toBe(64);
    const model = await cls.create({ seed: 1 });
    const count = Object.values(model.parameters()).reduce((n, p) => n + p.length, 0);
    expect(count).toBe(EXPECTED_PARAMS[name]);
  });

  it("dlm's MLP trains on a fixed batch and predicts 256 examples", async () => {
    const model = await (await protocolClass(workload("mlp"))).create({ seed: 1 });
    let s = 7;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    const image = new Float32Array(64 * 784).map(rand);
    const label = new Int32Array(64).map(() => Math.floor(rand() * 10));
    const first = model.trainStep({ image, label }).loss;
    let last = first;
    for (let i = 0; i < 60; i++) last = model.trainStep({ image, label }).loss;
    expect(first).toBeGreaterThan(1.5); // about ln 10 at initialisation
    expect(last).toBeLessThan(first / 2);
    expect(model.predict({ image: new Float32Array(256 * 784) })["logits"]!.length).toBe(256 * 10);
  });
});
