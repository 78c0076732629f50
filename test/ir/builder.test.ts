// The builder: shapes inferred at each call, canonical attrs, spans, and named lists.

import { describe, expect, it } from "vitest";
import { Builder } from "../../compiler/ir/builder.js";
import { IrError } from "../../compiler/ir/shapes.js";
import { verify } from "../../compiler/ir/verify.js";
import { sourceFile, spanAt } from "../../grammar/source.js";

describe("Builder", () => {
  it("appends nodes with inferred shapes and dense ids", () => {
    const b = new Builder();
    const x = b.input("x", [4, 3]);
    const w = b.param("w", [5, 3], { kind: "normal", mean: 0, std: 1 });
    const y = b.matmul(x, w, { transB: true });
    expect([x, w, y]).toEqual([0, 1, 2]);
    expect(b.shape(y)).toEqual([4, 5]);
    expect(b.graph.nodes[y]).toMatchObject({ op: "matmul", inputs: [0, 1], dtype: "f32", attrs: { transA: false, transB: true } });
    expect(b.graph.inputs).toEqual([{ name: "x", node: 0 }]);
    expect(b.graph.params).toEqual([{ name: "w", node: 1, init: { kind: "normal", mean: 0, std: 1 } }]);
    expect(verify(b.graph)).toEqual([]);
  });

  it("normalises axes and fills PyTorch defaults", () => {
    const b = new Builder();
    const x = b.input("x", [2, 3, 8, 8]);
    expect(b.graph.nodes[b.sum(x, [-1, 1, 1])]!.attrs).toEqual({ axes: [1, 3], keepdims: false });
    expect(b.graph.nodes[b.mean(x)]!.attrs).toEqual({ axes: [0, 1, 2, 3], keepdims: false });
    expect(b.graph.nodes[b.softmax(x)]!.attrs).toEqual({ axis: 3 });
    expect(b.graph.nodes[b.maxPool2d(x, 2)]!.attrs).toEqual({ kernel: [2, 2], stride: [2, 2], pad: [0, 0] });
    expect(b.graph.nodes[b.conv2d(x, b.param("w", [4, 3, 3, 3]), { pad: 1 })]!.attrs).toEqual({ stride: [1, 1], pad: [1, 1], dilation: [1, 1], groups: 1 });
    expect(b.graph.nodes[b.slice(x, -2, 1, 3)]!.attrs).toEqual({ axis: 2, start: 1, end: 3 });
    expect(verify(b.graph)).toEqual([]);
  });

  it("throws IrError at the call that misuses an op, adding nothing", () => {
    const b = new Builder();
    const x = b.input("x", [2, 3]);
    const before = b.graph.nodes.length;
    expect(() => b.add(x, b.input("y", [4]))).toThrow(IrError);
    expect(b.graph.nodes.length).toBe(before + 1);
    expect(() => b.input("x", [1])).toThrow(/duplicate input "x"/);
    expect(() => b.concat([], 0)).toThrow(/at least one/);
  });

  it("gives every node the current span and restores it after `at`", () => {
    const file = sourceFile("m.dlm", "a = b |> relu\n");
    const span = spanAt(file, 9, 13);
    const b = new Builder();
    const x = b.input("x", [2]);
    const r = b.at(span, () => b.unary("relu", x));
    const after = b.exp(x);
    expect(b.graph.nodes[r]!.span).toEqual(span);
    expect(b.graph.nodes[x]!.span).toBeUndefined();
    expect(b.graph.nodes[after]!.span).toBeUndefined();
    expect(() => b.at(span, () => b.add(x, b.input("z", [3])))).toThrow(IrError);
    expect(b.span).toBeUndefined();
  });

  it("records outputs and refuses duplicates", () => {
    const b = new Builder();
    const x = b.input("x", [2]);
    b.output("y", b.neg(x));
    expect(b.graph.outputs).toEqual([{ name: "y", node: 1 }]);
    expect(() => b.output("y", x)).toThrow(/duplicate output/);
    expect(() => b.output("z", 42)).toThrow(/no node %42/);
  });
});
