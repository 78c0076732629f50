// Every catalogue layer and function, and every built-in op the checker emits, has a lowering rule; an op
// without one is reported as DLM4010 at its span rather than crashing.

import { describe, expect, it } from "vitest";
import { functionList, layerList } from "../../compiler/check/catalogue/index.js";
import type { ElaboratedGraph } from "../../compiler/check/types.js";
import { dimConst } from "../../compiler/check/dims.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph } from "../../compiler/ir/graph.js";
import { lowerGraph, loweredOps } from "../../compiler/lower/index.js";

describe("lowering completeness", () => {
  it("covers the whole catalogue and the built-ins", () => {
    const names = [...layerList, ...functionList].map((e) => e.name);
    const builtins = ["constant", "add", "sub", "mul", "div", "neg"];
    expect([...names, ...builtins].filter((n) => !loweredOps.includes(n))).toEqual([]);
  });

  it("reports an unknown op as DLM4010 at its span", () => {
    const span = { file: "x.dlm", start: { offset: 3, line: 1, column: 4 }, end: { offset: 9, line: 1, column: 10 } };
    const eg: ElaboratedGraph = {
      dims: {}, params: [], layers: [], paramCount: dimConst(0),
      inputs: [{ name: "x", id: 0, dtype: "f32", shape: [dimConst(2)] }],
      outputs: [],
      ops: [{ id: 0, op: "frobnicate", inputs: [0], inputRoles: ["x"], config: {}, outputs: [{ id: 1, dtype: "f32", shape: [dimConst(2)] }], span }],
    };
    const res = lowerGraph(eg, "eval", new Builder(emptyGraph()));
    expect(res.ok).toBe(false);
    expect(res.diagnostics.map((d) => [d.code, d.span.start.offset])).toEqual([["DLM4010", 3]]);
  });

  it("reports a symbolic dim left unbound as DLM4012", () => {
    const span = { file: "x.dlm", start: { offset: 0, line: 1, column: 1 }, end: { offset: 1, line: 1, column: 2 } };
    const eg: ElaboratedGraph = {
      dims: {}, params: [], layers: [], paramCount: dimConst(0),
      inputs: [{ name: "x", id: 0, dtype: "f32", shape: [{ terms: [{ coef: 1, atoms: [{ kind: "sym", name: "T" }] }] }] }],
      outputs: [],
      ops: [{ id: 0, op: "relu", inputs: [0], inputRoles: ["x"], config: {}, outputs: [{ id: 1, dtype: "f32", shape: [dimConst(2)] }], span }],
    };
    const res = lowerGraph(eg, "eval", new Builder(emptyGraph()));
    expect(res.diagnostics.map((d) => d.code)).toEqual(["DLM4012"]);
  });
});
