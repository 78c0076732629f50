// cse: duplicates merge (chains in one sweep, commutative operands, equal consts), what must never merge
// (inputs, params, random draws, −0 vs 0, different attrs), determinism, and the MLP training step.

import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.js";
import { printGraph } from "../../compiler/ir/print.js";
import { canonical, cse, csePass } from "../../compiler/passes/cse.js";
import { optimizeStep } from "../../compiler/pipeline.js";
import type { PassCase } from "./cases.js";
import { build, runCase } from "./cases.js";
import { expectSameValues, MLP_SMALL, mlpTrainStep } from "./helpers.js";

const out = (g: Graph, name: string) => g.outputs.find((o) => o.name === name)!.node;

const cases: PassCase[] = [
  {
    name: "chains",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      const w = b.param("w", [3]);
      const h1 = b.exp(b.add(x, w));
      const h2 = b.exp(b.add(x, w));
      b.output("a", b.mul(h1, b.scalar(2)));
      b.output("b", b.mul(b.scalar(2), h2));
    },
    check: (g) => {
      expect(out(g, "a")).toBe(out(g, "b"));
      expect(g.nodes.filter((n) => n.op === "exp")).toHaveLength(1);
      expect(g.nodes.filter((n) => n.op === "const")).toHaveLength(1);
    },
  },
  {
    name: "never-merged",
    build: (b) => {
      const x = b.input("x", [3]);
      b.input("y", [3]);
      b.param("p", [3]);
      b.param("q", [3]);
      const step = b.input("step", [], "i32");
      b.output("r1", b.add(x, b.randomUniform(step, [3], 0)));
      b.output("r2", b.add(x, b.randomUniform(step, [3], 0)));
      b.output("zero", b.add(x, b.scalar(0)));
      b.output("minus_zero", b.add(x, b.scalar(-0)));
      b.output("sum_keep", b.sum(x, [0], true));
      b.output("sum", b.sum(x, [0]));
      b.output("max", b.binary("maximum", x, b.scalar(1)));
      b.output("max_swapped", b.binary("maximum", b.scalar(1), x));
    },
    check: (g, before) => {
      expect(g.nodes.filter((n) => n.op === "random_uniform")).toHaveLength(2);
      expect(out(g, "r1")).not.toBe(out(g, "r2"));
      expect(out(g, "zero")).not.toBe(out(g, "minus_zero"));
      expect(out(g, "sum_keep")).not.toBe(out(g, "sum"));
      expect(out(g, "max")).not.toBe(out(g, "max_swapped"));
      expect(g.inputs.map((i) => i.name)).toEqual(before.inputs.map((i) => i.name));
      expect(g.params.map((p) => p.name)).toEqual(["p", "q"]);
      // Only the second `const 1` merges.
      expect(g.nodes.length).toBe(before.nodes.length - 1);
    },
  },
];

describe("cse", () => {
  for (const c of cases) it(c.name, async () => {
    await runCase(c, csePass);
  });

  it("spells −0, NaN and Infinity apart in keys, with sorted object keys", () => {
    expect(canonical({ b: [-0, 0], a: Number.NaN, c: Number.NEGATIVE_INFINITY, d: null, e: "s" })).toBe('{"a":NaN,"b":[-0,0],"c":-Infinity,"d":null,"e":"s"}');
  });

  it("is deterministic and idempotent", () => {
    const g = build(cases[0]!);
    const once = cse(g);
    expect(printGraph(cse(build(cases[0]!)))).toBe(printGraph(once));
    expect(printGraph(cse(once))).toBe(printGraph(once));
  });

  it("preserves the MLP training step's loss and updates", () => {
    const step = mlpTrainStep(MLP_SMALL);
    const r = optimizeStep(step, { passes: [csePass], verify: true });
    expectSameValues(step, r.step, [1, 2], MLP_SMALL.classes);
  });
});
