// The op checklist, in code and driven by the op table: every op must have (a) a gradient rule, or be
// marked non-differentiable in ops.ts (and then have no rule); (b) a gradcheck case, or for a
// non-differentiable op a no-flow case; (c) a reference kernel. Adding an op without all three fails here.

import { describe, expect, it } from "vitest";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { gradRules } from "../../compiler/autodiff/rules/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { opNames, ops } from "../../compiler/ir/ops.js";
import { referenceKernels } from "../../compiler/ir/reference.js";
import { assertValid } from "../../compiler/ir/verify.js";
import { gradCases } from "./cases/index.js";
import { noFlowCases } from "./cases/no-flow.js";

const sources = new Set(["const", "input", "param"]);

describe("op completeness", () => {
  it.each(opNames)("%s has a rule (or is non-differentiable), a check and a reference kernel", (op) => {
    const spec = ops[op];
    if (spec.differentiable) {
      expect(gradRules[op], `no gradient rule for differentiable op ${op}`).toBeTypeOf("function");
      expect(gradCases.some((c) => c.op === op), `no gradcheck case for ${op}`).toBe(true);
    } else {
      expect(gradRules[op], `${op} is marked non-differentiable but has a rule`).toBeUndefined();
      if (!sources.has(op)) expect(noFlowCases.some((c) => c.op === op), `no no-flow case for ${op}`).toBe(true);
    }
    expect(referenceKernels[op], `no reference kernel for ${op}`).toBeTypeOf("function");
  });

  it("has no rules, cases or kernels for ops that do not exist", () => {
    const known = new Set<string>(opNames);
    expect(Object.keys(gradRules).filter((k) => !known.has(k))).toEqual([]);
    expect(Object.keys(referenceKernels).filter((k) => !known.has(k))).toEqual([]);
    expect(gradCases.map((c) => c.op).filter((k) => !known.has(k))).toEqual([]);
  });
});

describe("no gradient flows through non-differentiable ops", () => {
  it.each(noFlowCases.map((c) => [c.op, c] as const))("%s", (_, c) => {
    const b = new Builder();
    const ids = Object.fromEntries(Object.entries(c.inputs).map(([n, shape]) => [n, b.input(n, shape)]));
    const out = c.build(b, ids);
    expect(b.graph.nodes.some((n) => n.op === c.op)).toBe(true);
    const loss = b.sum(out);
    assertValid(b.graph);
    const before = b.graph.nodes.length;
    const d = differentiate(b.graph, { loss, wrt: Object.values(ids) });
    assertValid(d.graph);
    expect(d.independent).toEqual(Object.values(ids));
    expect(d.gradOf.size).toBe(0);
    expect(d.graph.nodes.length).toBe(before);
  });
});
