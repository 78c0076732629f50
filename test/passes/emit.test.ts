// The optimized program through the TypeScript emitter: the mlp.dlm model generated from the *optimized*
// step graphs trains exactly like the one generated from the unoptimized graphs (same seed, same batches:
// loss, accuracy and every parameter over two steps), and its first loss matches the float64 reference of
// the unoptimized graph. Guards the contract between the passes and the emitters (splat consts, forwarded
// outputs, the kernels field), not only the IR.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { frontEnd } from "../../compiler/frontend.js";
import { evaluate } from "../../compiler/ir/reference.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import type { CompiledProgram } from "../../compiler/program/types.js";
import { seeded } from "./helpers.js";

interface Trainable {
  trainStep(batch: Record<string, Float32Array | Int32Array>): Record<string, number>;
  parameters(): Record<string, Float32Array>;
}

async function create(program: CompiledProgram): Promise<Trainable> {
  const mod = await loadCompiled(program);
  const Model = mod[program.models[0]!.name] as unknown as { create(o: { seed: number }): Promise<Trainable> };
  return Model.create({ seed: 1 });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-5): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i]!, expected[i]!];
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + 1e-7)) expect.fail(`${what}[${i}]: got ${a}, expected ${b}`);
  }
}

describe("optimized mlp.dlm through the TS emitter", () => {
  it("trains like the unoptimized program; the first loss matches the reference", { timeout: 120_000 }, async () => {
    const fe = frontEnd(readFileSync(new URL("../../examples/mlp.dlm", import.meta.url), "utf8"), "mlp.dlm");
    const lowered = lowerProgram(fe.checked, "mlp.dlm", { batch: 4 }).program;
    const { program } = optimizeProgram(lowered, { verify: true });
    const train = lowered.models[0]!.train!;
    expect(program.models[0]!.train!.graph.nodes.length).toBeLessThan(train.graph.nodes.length);

    const [opt, plain] = [await create(program), await create(lowered)];
    // parameters() are views of each model's arena: copy them before the models train.
    const state = Object.fromEntries(Object.entries(plain.parameters()).map(([k, v]) => [k, Float64Array.from(v)]));
    for (const s of lowered.models[0]!.state) if (s.role === "optimizer") state[s.name] = new Float64Array(s.shape.reduce((a, d) => a * d, 1));
    const rand = seeded(9);
    for (let step = 0; step < 2; step++) {
      const image = Float32Array.from({ length: 4 * 784 }, () => rand(0, 1));
      const label = Int32Array.from({ length: 4 }, () => Math.floor(rand(0, 10)));
      if (step === 0) {
        // The loss does not depend on the host scalars (lr schedule, bias corrections): any values do.
        const values = evaluate(train.graph, { image, label, lr: [0], step: [0], bias_correction1: [1], bias_correction2: [1] }, state);
        const loss = values[train.graph.outputs.find((o) => o.name === "loss")!.node]!.data;
        expectClose([opt.trainStep({ image, label })["loss"]!], loss, "loss vs reference", 1e-4);
        plain.trainStep({ image, label });
      } else {
        const [a, b] = [opt.trainStep({ image, label }), plain.trainStep({ image, label })];
        for (const name of Object.keys(b)) expectClose([a[name]!], [b[name]!], `${name} at step ${step}`);
      }
      const p = plain.parameters();
      for (const [name, v] of Object.entries(opt.parameters())) expectClose(v, p[name]!, `${name} after step ${step}`);
    }
  });
});
