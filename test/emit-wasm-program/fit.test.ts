// The rest of the class surface on the Wasm target, against the TS target on the same seed and data:
// evaluate over a Dataset with a padded last batch (runEvaluate in Wasm), fit for two epochs (shuffling,
// schedule, trainStep and evaluate together), save and load a checkpoint across the two targets.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Dataset } from "../../runtime/data/dataset.js";
import { lowerExample } from "../emit/examples.js";
import { expectNormClose, loadBoth, randomBatch } from "./helpers.js";

it("mlp: evaluate, fit, save/load agree with the TS target", async () => {
  const { program } = lowerExample("mlp", 16);
  const model = program.models[0]!;
  const { ts, wasm } = await loadBoth(program, model.name);
  const count = 50; // 3 full batches and a padded one
  const b = randomBatch({ ...model, fields: model.fields.map((f) => ({ ...f, shape: [count, ...f.shape.slice(1)] })) }, 4);
  const data = new Dataset(Object.fromEntries(model.fields.map((f) => [f.name, { data: b[f.name]!, shape: f.shape.slice(1) }])));
  const a = await ts.create({ seed: 3 });
  const w = await wasm.create({ seed: 3 });
  const ea = a.evaluate(data);
  const ew = w.evaluate(data);
  expect(Math.abs(ew.loss - ea.loss)).toBeLessThan(1e-5 * Math.abs(ea.loss));
  expect(ew.accuracy).toBe(ea.accuracy);
  const fa = await a.fit({ train: data }, { epochs: 2, seed: 1 });
  const fw = await w.fit({ train: data }, { epochs: 2, seed: 1 });
  expect(fw.epochs.length).toBe(fa.epochs.length);
  for (const [k, v] of Object.entries(a.parameters())) expectNormClose(w.parameters()[k]!, v, `after fit: ${k}`, 1e-3);
  const dir = await mkdtemp(join(tmpdir(), "dlm-wasm-test-"));
  try {
    await w.save(join(dir, "w.safetensors"));
    const back = await ts.create({ seed: 99 });
    await back.load(join(dir, "w.safetensors"));
    for (const [k, v] of Object.entries(w.parameters())) expect(back.parameters()[k], k).toEqual(v);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
