// Goldens of the emitted TypeScript (test/golden/ts/*.ts.txt; `npx vitest run test/emit -u` accepts a
// change, a reviewer reads the diff), each paired with a numeric test, and a strict type-check of every
// emitted module against the runtime's source (noUncheckedIndexedAccess included).
//
// The goldens carry a .txt suffix so that the repository's own type-check, which includes test/, does not
// try to resolve `dlm/runtime` before the package is built; the type-check here maps it explicitly.

import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import type { CompiledProgram } from "../../compiler/program/types.js";
import { CNN_SOURCE, MLP_SOURCE, cnnProgram, compiledOf, mlpProgram } from "./programs.js";
import { lowerExample } from "./examples.js";
import { copyState, expectClose, loadModel, referenceStep, typeErrors } from "./harness.js";
import { scheduledLr } from "../../compiler/lower/schedule.js";

const OPTIONS = { version: "0.0.0-golden" };

async function emitted(program: CompiledProgram, sources: Record<string, string>): Promise<string> {
  const { files } = await emitTypeScript(program, { ...OPTIONS, sources });
  return Object.values(files)[0]!;
}

describe("hand-built programs", () => {
  it("MLP golden", async () => {
    const text = await emitted(compiledOf(mlpProgram(8), "mlp.dlm"), { "mlp.dlm": MLP_SOURCE });
    await expect(text).toMatchFileSnapshot("../golden/ts/hand-mlp.ts.txt");
  });
  it("CNN golden", async () => {
    const text = await emitted(compiledOf(cnnProgram(4), "cnn.dlm"), { "cnn.dlm": CNN_SOURCE });
    await expect(text).toMatchFileSnapshot("../golden/ts/hand-cnn.ts.txt");
  });
  // Their numeric pairs are test/emit/ts-numeric.test.ts (predict and trainStep vs the reference).
});

describe.each(["mlp", "cnn"])("examples/%s.dlm", (name) => {
  it("golden of the emitted module", async () => {
    const ex = lowerExample(name);
    const text = await emitted(ex.program, { [ex.file]: ex.text });
    await expect(text).toMatchFileSnapshot(`../golden/ts/${name}.ts.txt`);
  });

  it("predict and one trainStep equal the float64 reference (batch 2)", async () => {
    const ex = lowerExample(name, 2);
    const model = ex.program.models[0]!;
    const Model = await loadModel(model, ex.file);
    const m = await Model.create({ seed: 1 });
    const state = copyState(m.parameters());
    for (const s of model.state) if (s.role !== "param") state[s.name] = new Float64Array(s.shape.reduce((a, b) => a * b, 1));
    const image = new Float32Array(model.inputs[0]!.shape.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 7919) % 255) / 255);
    const label = Int32Array.of(3, 7);
    const logits = m.predict({ image }).logits!;
    expectClose(logits, referenceStep(model.predict, { image }, state).outputs["logits"]!, "logits");

    const got = m.trainStep({ image, label });
    // the host scalar the module computes: the schedule at step 0 (outside fit the run length is unknown)
    const lr = scheduledLr(model.training!.schedule, model.training!.objectives[0]!.optimizer.lr, { step: 0, epoch: 0, total: Infinity });
    const ref = referenceStep(model.train!, { image, label, lr: [lr], step: [0], bias_correction1: [1 - 0.9], bias_correction2: [1 - 0.999] }, state);
    expectClose([got.loss], ref.outputs["loss"]!, "loss");
    expectClose([got.accuracy], ref.outputs["accuracy"]!, "accuracy");
    // Adam's first step moves each weight by lr·g/(|g| + eps): where |g| is near eps, float32 rounding of g
    // shows up as a few percent of lr, so the absolute tolerance is 2% of a step (a wrong gradient moves ~lr).
    for (const [k, v] of Object.entries(m.parameters())) expectClose(v, ref.state[k]!, `${k} after one step`, 1e-4, 0.02 * lr);
  }, 60_000);
});

it("every emitted module type-checks under strict settings", async () => {
  const files: Record<string, string> = {};
  files["hand-mlp.ts"] = await emitted(compiledOf(mlpProgram(8), "mlp.dlm"), {});
  files["hand-cnn.ts"] = await emitted(compiledOf(cnnProgram(4), "cnn.dlm"), {});
  for (const name of ["mlp", "cnn"]) files[`${name}.ts`] = await emitted(lowerExample(name).program, {});
  expect(typeErrors(files)).toEqual([]);
}, 120_000);
