// The rest of a generated class's surface: input checks with clear messages, evaluate over a Dataset
// (padded last batch ignored), fit (epochs, shuffling, validation, early stopping with best weights,
// NaN loss → TrainingError), and save/load (files) and saveBytes/loadBytes (bytes) through safetensors.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "../../runtime/data/dataset.js";
import { loadCheckpoint } from "../../runtime/checkpoint.js";
import { CheckpointError } from "../../runtime/safetensors.js";
import { TrainingError } from "../../runtime/training-error.js";
import { cnnProgram, mlpProgram } from "./programs.js";
import { copyState, expectClose, loadModel, referenceStep, separable, type ModelClass } from "./harness.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dlm-api-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const model = mlpProgram(8);
let Mlp: ModelClass;
beforeAll(async () => {
  Mlp = await loadModel(model, "mlp.dlm");
});

function dataset(count: number, seed: number): Dataset {
  const { x, label } = separable(count, 12, 3, seed);
  return new Dataset({ x: { data: x, shape: [12] }, label: { data: label, shape: [] } });
}

describe("input checks", () => {
  it("predict names the input and the sizes", async () => {
    const m = await Mlp.create();
    expect(() => m.predict({ x: new Float32Array(13) })).toThrow(/Mlp\.predict: input "x" has 13 values, not a whole number of examples of 12 values \(f32\[8, 12\]/);
    expect(() => m.predict({ x: new Int32Array(12) as unknown as Float32Array })).toThrow(/input "x" must be a Float32Array/);
    expect(m.predict({ x: new Float32Array(0) }).logits!.length).toBe(0);
  });

  it("trainStep rejects a wrong batch size and accepts plain arrays through the checked path", async () => {
    const m = await Mlp.create();
    expect(() => m.trainStep({ x: new Float32Array(12), label: new Int32Array(8) })).toThrow(/"x".*96/);
    const { x, label } = separable(8, 12, 3, 1);
    const a = await Mlp.create({ seed: 2 });
    const b = await Mlp.create({ seed: 2 });
    const fast = a.trainStep({ x, label }).loss;
    const slow = b.trainStep({ x: Array.from(x) as unknown as Float32Array, label: Array.from(label) as unknown as Int32Array }).loss;
    expect(slow).toBe(fast);
    expect(() => b.trainStep({ x, label: Int32Array.of(0, 1, 2, 0, 0, 1, 2, 9) })).toThrow(/label 9/);
  });
});

describe("evaluate", () => {
  it("averages the reference per-example loss and accuracy over the real examples only", async () => {
    const m = await Mlp.create({ seed: 4 });
    const count = 19; // two full batches and 3 real rows in a padded one
    const data = dataset(count, 8);
    const got = m.evaluate(data);
    const state = copyState(m.parameters());
    const x = data.field("x").data;
    const label = data.field("label").data;
    let loss = 0;
    let acc = 0;
    for (let start = 0; start < count; start += 8) {
      const n = Math.min(8, count - start);
      const xb = new Float64Array(96);
      const lb = new Float64Array(8);
      xb.set(x.subarray(start * 12, (start + n) * 12));
      lb.set(label.subarray(start, start + n));
      const r = referenceStep(model.evaluate!, { x: xb, label: lb }, state).outputs;
      for (let i = 0; i < n; i++) {
        loss += r["loss"]![i]!;
        acc += r["accuracy"]![i]!;
      }
    }
    expectClose([got.loss, got.accuracy], [loss / count, acc / count], "evaluate");
  });

  it("names a missing field", async () => {
    const m = await Mlp.create();
    const { x } = separable(8, 12, 3, 1);
    expect(() => m.evaluate(new Dataset({ x: { data: x, shape: [12] } }))).toThrow(/Mlp\.evaluate: the dataset needs an integer field "label"/);
  });
});

describe("fit", () => {
  it("trains for the epochs asked, reproducibly for a seed, and the validation loss drops", async () => {
    const run = async () => {
      const m = await Mlp.create({ seed: 1 });
      const all = dataset(200, 3); // one labelling rule for both parts
      const parts = all.split({ train: 160, validation: 40 }, null);
      const r = await m.fit({ train: parts["train"]!, validation: parts["validation"]! }, { epochs: 6, seed: 3 });
      return { r, params: Object.values(m.parameters()).map((v) => Array.from(v)) };
    };
    const a = await run();
    const b = await run();
    expect(a.params).toEqual(b.params);
    const epochs = a.r.epochs as Array<{ epoch: number; train: { loss: number }; validation?: { loss: number } }>;
    expect(epochs.length).toBeGreaterThan(1);
    expect(epochs.every((e) => e.validation !== undefined)).toBe(true);
    expect(epochs[epochs.length - 1]!.validation!.loss).toBeLessThan(epochs[0]!.validation!.loss);
  });

  it("stops early and restores the best weights", async () => {
    const m = await Mlp.create({ seed: 1 });
    // labels unrelated to the inputs: validation loss stops improving quickly
    const { x } = separable(64, 12, 3, 9);
    const noise = new Dataset({ x: { data: x, shape: [12] }, label: { data: Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 3), shape: [] } });
    const { x: vx } = separable(32, 12, 3, 10);
    const vnoise = new Dataset({ x: { data: vx, shape: [12] }, label: { data: Int32Array.from({ length: 32 }, (_, i) => (i * 5) % 3), shape: [] } });
    const r = await m.fit({ train: noise, validation: vnoise }, { epochs: 40 });
    expect(r.stoppedEarly).toBe(true);
    const epochs = r.epochs as Array<{ epoch: number; validation: { loss: number } }>;
    const best = epochs.reduce((p, e) => (e.validation.loss < p.validation.loss ? e : p));
    expect(r.bestEpoch).toBe(best.epoch);
    expect(m.evaluate(vnoise).loss).toBeCloseTo(best.validation.loss, 5);
  });

  it("early_stop on a metric follows the declared direction (mode max keeps the most accurate epoch, min the least)", async () => {
    const { x } = separable(64, 12, 3, 9);
    const noise = new Dataset({ x: { data: x, shape: [12] }, label: { data: Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 3), shape: [] } });
    const { x: vx } = separable(32, 12, 3, 10);
    const vnoise = new Dataset({ x: { data: vx, shape: [12] }, label: { data: Int32Array.from({ length: 32 }, (_, i) => (i * 5) % 3), shape: [] } });
    const best: Record<string, number> = {};
    for (const mode of ["max", "min"] as const) {
      const program = mlpProgram(8);
      program.training!.validate = { every: 1, earlyStop: { patience: 3, monitor: "accuracy", mode } };
      const Cls = await loadModel(program, "mlp.dlm");
      const m = await Cls.create({ seed: 1 });
      const r = await m.fit({ train: noise, validation: vnoise }, { epochs: 30, seed: 2 });
      const accs = (r.epochs as Array<{ epoch: number; validation: { accuracy: number } }>).map((e) => e.validation.accuracy);
      // The first epoch with the best value, as the monitored direction defines it.
      const target = mode === "max" ? Math.max(...accs) : Math.min(...accs);
      expect(r.bestEpoch, `${mode}: ${accs.join(" ")}`).toBe(accs.indexOf(target) + 1);
      expect(m.evaluate(vnoise).accuracy).toBeCloseTo(target, 6);
      best[mode] = target;
    }
    expect(best["max"]!).toBeGreaterThan(best["min"]!);
  });

  it("a NaN loss stops training with a TrainingError (where, reason)", async () => {
    const m = await Mlp.create({ seed: 1 });
    m.parameters()["dense.bias"]!.fill(NaN);
    const e: unknown = await m.fit({ train: dataset(32, 1) }, { epochs: 1 }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(TrainingError);
    const t = e as TrainingError;
    expect(t.name).toBe("TrainingError");
    expect(t.where).toBe("Mlp.fit");
    expect(t.reason).toMatch(/^the loss became NaN at epoch 1, step 1; /);
    expect(t.message).toBe(`Mlp.fit: ${t.reason}`);
  });

  it("a training set smaller than one batch is a TrainingError", async () => {
    const m = await Mlp.create({ seed: 1 });
    const e: unknown = await m.fit({ train: dataset(7, 1) }, { epochs: 1 }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(TrainingError);
    expect((e as TrainingError).message).toBe("Mlp.fit: the training set has 7 examples, fewer than one batch of 8");
  });
});

describe("save and load", () => {
  it("round-trips the parameters through safetensors; optimizer state only when asked", async () => {
    const Cnn = await loadModel(cnnProgram(4), "cnn.dlm");
    const a = await Cnn.create({ seed: 1 });
    const { x, label } = separable(4, 36, 3, 2);
    a.trainStep({ image: x, label });
    const path = join(dir, "cnn.safetensors");
    await a.save(path);
    const file = await loadCheckpoint(path);
    expect(Object.keys(file.tensors).sort()).toEqual(["conv.bias", "conv.weight", "dense.bias", "dense.weight"]);
    expect(file.metadata["dlm.step"]).toBe("1");
    await a.save(join(dir, "full.safetensors"), { optimizer: true });
    expect(Object.keys((await loadCheckpoint(join(dir, "full.safetensors"))).tensors)).toContain("conv.weight.m");

    const b = await Cnn.create({ seed: 99 });
    await b.load(path);
    for (const [k, v] of Object.entries(a.parameters())) expect(Array.from(b.parameters()[k]!)).toEqual(Array.from(v));
    expect(Array.from(b.predict({ image: x }).logits!)).toEqual(Array.from(a.predict({ image: x }).logits!));
    await expect(b.load(join(dir, "missing.safetensors"))).rejects.toThrow(/missing\.safetensors/);

    // resuming: with the optimizer state, the next step of b equals the next step of a
    const c = await Cnn.create({ seed: 7 });
    await c.load(join(dir, "full.safetensors"));
    const { x: x2, label: l2 } = separable(4, 36, 3, 3);
    expect(c.trainStep({ image: x2, label: l2 }).loss).toBe(a.trainStep({ image: x2, label: l2 }).loss);
    for (const [k, v] of Object.entries(a.parameters())) expect(Array.from(c.parameters()[k]!), k).toEqual(Array.from(v));
  });

  it("refuses a checkpoint of another model with a clear message", async () => {
    const m = await Mlp.create();
    const Cnn = await loadModel(cnnProgram(4), "cnn.dlm");
    const c = await Cnn.create();
    const path = join(dir, "other.safetensors");
    await c.save(path);
    await expect(m.load(path)).rejects.toThrow(/no tensor "hidden\.weight"/);
  });

  it("saveBytes/loadBytes are the same checkpoints as save/load, in memory", async () => {
    interface Bytes { saveBytes(o?: { optimizer?: boolean; metadata?: Record<string, string> }): Uint8Array; loadBytes(b: Uint8Array | ArrayBuffer, source?: string): void }
    const Cnn = await loadModel(cnnProgram(4), "cnn.dlm");
    const a = await Cnn.create({ seed: 1 });
    const { x, label } = separable(4, 36, 3, 2);
    a.trainStep({ image: x, label });
    const path = join(dir, "bytes.safetensors");
    await a.save(path, { optimizer: true });
    const bytes = (a as unknown as Bytes).saveBytes({ optimizer: true });
    expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
    expect((a as unknown as Bytes).saveBytes().length).toBeLessThan(bytes.length);
    expect(new TextDecoder().decode((a as unknown as Bytes).saveBytes({ metadata: { who: "me" } }))).toContain('"who":"me"');

    const b = await Cnn.create({ seed: 99 });
    (b as unknown as Bytes).loadBytes(bytes.slice().buffer);
    expect(b.trainStep({ image: x, label }).loss).toBe(a.trainStep({ image: x, label }).loss);
    const m = (await Mlp.create()) as unknown as Bytes;
    expect(() => m.loadBytes(bytes, "weights.bin")).toThrow(/weights\.bin: no tensor "hidden\.weight"/);
    expect(() => m.loadBytes(new Uint8Array(3), "weights.bin")).toThrow(CheckpointError);
    expect(() => m.loadBytes(new Uint8Array(3))).toThrow(/checkpoint/);
  });
});
