// Set-level metrics (detection_map, mask_map): the host computes them over a whole set in evaluate; a
// training step has no value for them, so the train graph, trainStep's result (its type and its value),
// fit's onStep and the epoch's training means leave them out, while validation keeps them. mean_iou has a
// batch value and stays. Checked on the examples that use them.

import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import type { ModelProgram } from "../../compiler/program/types.js";
import { Dataset } from "../../runtime/data/dataset.js";
import { lowerExample } from "./examples.js";
import { loadModel, typeErrors } from "./harness.js";

/** Deterministic fields of `count` examples: floats in [0, 1), integer ids 0/1. */
function fields(model: ModelProgram, count: number): Record<string, Float32Array | Int32Array> {
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const f of model.fields) {
    const n = count * sizeOf(f.shape.slice(1));
    out[f.name] = f.dtype === "i32" ? Int32Array.from({ length: n }, (_, i) => (i * 7) % 2) : Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 997) / 997);
  }
  return out;
}

type Figures = Record<string, number>;
/** The generated class's surface used here, with figures by name. */
interface Model {
  trainStep(batch: Record<string, Float32Array | Int32Array>): Figures;
  evaluate(data: Dataset): Figures;
  fit(data: { train: Dataset; validation?: Dataset }, options: { epochs?: number; onStep?: (s: { metrics: Figures }) => void }): Promise<{ epochs: Array<{ train: Figures; validation?: Figures }> }>;
}

const names = (outputs: readonly { name: string }[] | undefined) => (outputs ?? []).map((o) => o.name);

describe.each([
  ["detection", ["loss", "class_accuracy"], ["loss", "class_accuracy", "map50"]],
  ["instances", ["loss", "iou"], ["loss", "mask_ap50", "map50", "iou"]],
] as const)("examples/%s.dlm", (example, step, all) => {
  it("the train step leaves the set-level metrics out; evaluate reports them", async () => {
    const ex = lowerExample(example, 2);
    const model = ex.program.models[0]!;
    expect(names(model.train?.graph.outputs)).toEqual(step);
    expect(names(model.evaluate?.graph.outputs)).toEqual(all);

    const Model = await loadModel(model, ex.file);
    const m = (await Model.create({ seed: 1 })) as unknown as Model;
    const r = { ...m.trainStep(fields(model, 2)) };
    expect(Object.keys(r)).toEqual(step);
    for (const [k, v] of Object.entries(r)) expect(Number.isFinite(v), k).toBe(true);

    const data = new Dataset(Object.fromEntries(model.fields.map((f) => [f.name, { data: fields(model, 3)[f.name]!, shape: f.shape.slice(1) }])));
    const e = m.evaluate(data);
    expect(Object.keys(e)).toEqual(all);
    for (const k of all.filter((x) => !(step as readonly string[]).includes(x))) expect(e[k]! >= 0 && e[k]! <= 1, `${k} = ${e[k]}`).toBe(true);

    // fit: each step and the epoch's training means have the step's figures; validation has all.
    const seen: string[][] = [];
    const fit = await m.fit({ train: data, validation: data }, { epochs: 1, onStep: (s) => seen.push(Object.keys(s.metrics)) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((k) => k.join() === step.join())).toBe(true);
    expect(Object.keys(fit.epochs[0]!.train)).toEqual(step);
    expect(Object.keys(fit.epochs[0]!.validation ?? {})).toEqual(all);
  }, 60_000);
});

it("the types say so: trainStep returns <Model>StepMetrics, fit's validation the full <Model>Metrics", async () => {
  const ex = lowerExample("detection", 2);
  const { files } = await emitTypeScript(ex.program, { format: false });
  const source = files["detection.ts"]!;
  expect(source).toMatch(/export interface DetectorStepMetrics \{[^}]*\bclass_accuracy: number;[^}]*\}/);
  expect(/export interface DetectorStepMetrics \{[^}]*map50/.test(source)).toBe(false);
  const consumer = `import { Detector, type DetectorBatch, type DetectorMetrics, type DetectorStepMetrics } from "./detection.js";
import type { Dataset } from "dlm/runtime";
export async function use(batch: DetectorBatch, data: Dataset): Promise<number> {
  const m = await Detector.create();
  const r: DetectorStepMetrics = m.trainStep(batch);
  // @ts-expect-error a set-level metric has no per-step value
  void r.map50;
  const full: DetectorMetrics = m.evaluate(data);
  const fit = await m.fit({ train: data, validation: data }, {
    onStep: (s) => void s.metrics.class_accuracy,
    onEpoch: (e) => {
      // @ts-expect-error nor a training mean
      void e.train.map50;
    },
  });
  return r.loss + r.class_accuracy + full.map50 + (fit.epochs[0]?.validation?.map50 ?? 0);
}
`;
  expect(typeErrors({ ...files, "use.ts": consumer })).toEqual([]);
}, 120_000);
