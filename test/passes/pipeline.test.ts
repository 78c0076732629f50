// The pipeline: the golden MLP training step (node count before → after), dumps for --dump-after,
// update remapping, a fixpoint check (a second run changes nothing), and every example program lowered,
// optimized with the verifier on, and evaluated before and after on random values.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram, optimizeStep, passNames, printStep } from "../../compiler/pipeline.js";
import { expectSameValues, MLP_FULL, MLP_SMALL, mlpTrainStep } from "./helpers.js";

describe("MLP training step", () => {
  const step = mlpTrainStep(MLP_FULL);
  const r = optimizeStep(step, { verify: true });

  it("drops from 42 to 35 nodes (golden)", async () => {
    // Before: 42 nodes. The gradient seed's six (const 1, neg, const 1/64, mul, reshape, broadcast_to)
    // fold into one const f32[64] = −1/64 (−5), and each bias gradient's sum(keepdims) + reshape becomes
    // one sum (−2).
    expect(step.graph.nodes.length).toBe(42);
    expect(r.step.graph.nodes.length).toBe(35);
    await expect(printStep(r.step)).toMatchFileSnapshot("__snapshots__/pipeline/mlp-train.ir.txt");
  });

  it("keeps loss and updates (float64, full size)", () => {
    expect(r.step.updates.map((u) => u.state)).toEqual(["hidden.weight", "hidden.bias", "dense.weight", "dense.bias"]);
    expectSameValues(step, r.step, [1], MLP_FULL.classes);
  });

  it("is a fixpoint: a second run changes nothing", () => {
    expect(printStep(optimizeStep(r.step).step)).toBe(printStep(r.step));
  });

  it("does not mutate the step it is given", () => {
    const fresh = mlpTrainStep(MLP_SMALL);
    const text = printStep(fresh);
    optimizeStep(fresh);
    expect(printStep(fresh)).toBe(text);
  });
});

describe("dumps", () => {
  it("lists the passes in order", () => {
    expect(passNames).toEqual(["simplify", "cse", "dce", "fuse"]);
  });

  it("prints the step after the named pass", () => {
    const step = mlpTrainStep(MLP_SMALL);
    for (const name of passNames) {
      const r = optimizeStep(step, { dumpAfter: name });
      expect(r.dumps.map((d) => d.pass)).toEqual([name]);
      expect(r.dumps[0]!.text).toMatch(/\nupdates: hidden\.weight=%\d+, hidden\.bias=%\d+, dense\.weight=%\d+, dense\.bias=%\d+\n/);
      if (name === "fuse") expect(r.dumps[0]!.text).toBe(printStep(r.step));
      else expect(r.dumps[0]!.text).not.toMatch(/^kernel/m);
    }
    // simplify leaves the folded seed's dead nodes; dce removes them.
    const counts = passNames.map((name) => optimizeStep(step, { dumpAfter: name }).dumps[0]!.text.split("\n").filter((l) => l.startsWith("%")).length);
    expect(counts[0]).toBeGreaterThan(counts[2]!);
  });

  it("rejects an unknown pass name", () => {
    expect(() => optimizeStep(mlpTrainStep(MLP_SMALL), { dumpAfter: "fusion" })).toThrow(/unknown pass "fusion" \(passes: simplify, cse, dce, fuse\)/);
  });
});

const NUMERIC = new Set(["mlp.dlm", "transformer.dlm"]);

describe("example programs", () => {
  const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".dlm")).sort();

  for (const file of examples) {
    it(`${file}: verified after every pass, fewer train nodes, a fixpoint${NUMERIC.has(file) ? ", same values" : ""}`, { timeout: 120_000 }, () => {
      const fe = frontEnd(readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8"), file);
      const lowered = lowerProgram(fe.checked, file, { batch: 2 });
      expect(lowered.program.models.length).toBeGreaterThan(0);
      const { program, dumps } = optimizeProgram(lowered.program, { verify: true, dumpAfter: "fuse" });
      lowered.program.models.forEach((m, i) => {
        const o = program.models[i]!;
        for (const s of ["predict", "evaluate", "train"] as const) {
          const before = m[s];
          const after = o[s];
          expect(after === undefined, s).toBe(before === undefined);
          if (!before || !after) continue;
          expect(after.graph.nodes.length).toBeLessThanOrEqual(before.graph.nodes.length);
          expect(dumps.filter((d) => d.model === m.name && d.step === s).map((d) => d.text)).toEqual([printStep(after)]);
          // i32 inputs are labels and token ids: 0 and 1 are valid for every example. The float64 reference
          // is slow on the image models, so two examples (dense layers; attention, norms, dropout) stand in.
          if (NUMERIC.has(file)) expectSameValues(before, after, [1], 2);
        }
        if (m.train) expect(o.train!.graph.nodes.length).toBeLessThan(m.train.graph.nodes.length);
      });
      // A fixpoint: this is why the pipeline runs simplify only once.
      const again = optimizeProgram(program);
      again.program.models.forEach((m, i) => {
        for (const s of ["predict", "evaluate", "train"] as const) {
          if (m[s]) expect(printStep(m[s]), `${m.name}.${s} changed on a second run`).toBe(printStep(program.models[i]![s]!));
        }
      });
    });
  }
});
