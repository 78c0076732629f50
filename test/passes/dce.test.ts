// dce: unused nodes go, inputs and params stay (even unused), update roots are kept through the
// pipeline, and the MLP training step's values are unchanged.

import { describe, expect, it } from "vitest";
import { dcePass } from "../../compiler/passes/dce.js";
import { optimizeStep } from "../../compiler/pipeline.js";
import type { StepGraph } from "../../compiler/program/types.js";
import type { PassCase } from "./cases.js";
import { build, runCase } from "./cases.js";
import { expectSameValues, MLP_SMALL, mlpTrainStep } from "./helpers.js";

const cases: PassCase[] = [
  {
    name: "unused",
    build: (b) => {
      const x = b.input("x", [3]);
      b.input("unused_input", [2]);
      const w = b.param("w", [3]);
      b.param("unused_param", [2]);
      const dead = b.exp(b.mul(x, w));
      b.neg(dead);
      b.output("y", b.add(x, w));
    },
    check: (g) => {
      expect(g.nodes.map((n) => n.op)).toEqual(["input", "input", "param", "param", "add"]);
      expect(g.inputs.map((i) => i.name)).toEqual(["x", "unused_input"]);
      expect(g.params.map((p) => p.name)).toEqual(["w", "unused_param"]);
    },
  },
];

describe("dce", () => {
  for (const c of cases) it(c.name, async () => {
    await runCase(c, dcePass);
  });

  it("keeps what updates need, with updates remapped", () => {
    const g = build({
      name: "updates",
      build: (b) => {
        const w = b.param("w", [3]);
        b.exp(w);
        const lr = b.input("lr", []);
        b.output("loss", b.sum(w));
        b.sub(w, b.mul(lr, w));
      },
    });
    const step: StepGraph = { graph: g, updates: [{ state: "w", node: g.nodes.length - 1 }], hostScalars: [] };
    const r = optimizeStep(step, { passes: [dcePass], verify: true });
    expect(r.step.graph.nodes.map((n) => n.op)).toEqual(["param", "input", "sum", "mul", "sub"]);
    expect(r.step.updates).toEqual([{ state: "w", node: 4 }]);
    expect(r.step.graph.outputs).toEqual([{ name: "loss", node: 2 }]);
    expectSameValues(step, r.step);
  });

  it("preserves the MLP training step's loss and updates", () => {
    const step = mlpTrainStep(MLP_SMALL);
    const r = optimizeStep(step, { passes: [dcePass], verify: true });
    expectSameValues(step, r.step, [1, 2], MLP_SMALL.classes);
  });
});
