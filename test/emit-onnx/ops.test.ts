// Every IR op the ONNX table maps, in hand-built graphs (the examples use only some of them): exported at
// batch 2 with batch 4 locating the axis, decoded, run by the float64 ONNX evaluator at batch 3, and
// compared with the IR reference evaluator on the same weights. Covers the batch-dependent shapes too: a
// batch-sized constant, a broadcast to the batch, a slice keeping the whole batch axis, a reshape with −1.

import { describe, expect, it } from "vitest";
import { Builder } from "../../compiler/ir/builder.js";
import type { NodeId } from "../../compiler/ir/graph.js";
import { evaluateOutputs } from "../../compiler/ir/reference.js";
import { exportOnnx, isExportable } from "../../compiler/emit/onnx/index.js";
import type { Weights } from "../../compiler/emit/onnx/index.js";
import { opNames } from "../../compiler/ir/ops.js";
import type { ModelProgram } from "../../compiler/program/types.js";
import { decodeModel } from "./decode.js";
import { runGraph, tensorOf } from "./evaluate.js";

type Build = (b: Builder, batch: number) => void;

function program(build: Build, batch: number): ModelProgram {
  const b = new Builder();
  build(b, batch);
  const g = b.graph;
  const spec = (list: typeof g.inputs) => list.map((x) => ({ name: x.name, dtype: g.nodes[x.node]!.dtype, shape: [...g.nodes[x.node]!.shape] }));
  return {
    name: "Ops", batch, inputs: spec(g.inputs), outputs: spec(g.outputs), fields: [], state: [],
    predict: { graph: g, updates: [], hostScalars: [] },
  };
}

function values(n: number, seed: number): Float64Array {
  let s = seed;
  // Float32-exact values in (−1, 1), so the f32 initializers hold the reference's numbers exactly.
  return Float64Array.from({ length: n }, () => Math.fround(((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1));
}

function check(build: Build): string[] {
  const m2 = program(build, 2);
  const weights: Weights = {};
  m2.predict.graph.params.forEach((p, i) => {
    const n = m2.predict.graph.nodes[p.node]!;
    weights[p.name] = Float32Array.from(values(n.shape.reduce((a, d) => a * d, 1), 100 + i));
  });
  const out = exportOnnx(m2, { weights, other: program(build, 4) });
  expect(out.fixedBecause).toBeUndefined();
  expect(out.batch).toBe("B");
  const decoded = decodeModel(out.bytes);
  const m3 = program(build, 3);
  const inputs = Object.fromEntries(m3.inputs.map((x, i) => [x.name, values(x.shape.reduce((a, d) => a * d, 1), 7 + i)]));
  const got = runGraph(decoded.graph, Object.fromEntries(m3.inputs.map((x) => [x.name, tensorOf([...x.shape], inputs[x.name]!)])));
  const want = evaluateOutputs(m3.predict.graph, inputs, weights);
  for (const o of m3.outputs) {
    expect(got[o.name]!.dims, o.name).toEqual(o.shape);
    const [a, w] = [got[o.name]!.data, want[o.name]!.data];
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - w[i]!));
    // Constants travel as float32 (1.5, 1/√2, alpha): a float64-rounding tolerance would be too tight.
    expect(diff, o.name).toBeLessThan(1e-6);
  }
  return decoded.graph.nodes.map((n) => n.opType);
}

const elementwise: Build = (b, n) => {
  const x = b.input("x", [n, 4, 6]);
  const p = b.param("p", [6]);
  const one = b.scalar(1);
  const pos = b.add(b.unary("abs", x), one);
  const parts: NodeId[] = [
    b.exp(x), b.log(pos), b.unary("sqrt", pos), b.unary("rsqrt", pos), b.unary("sign", x), b.pow(pos, 1.5), b.unary("silu", x),
    b.unary("erf", x), b.unary("gelu", x), b.neg(x), b.div(x, b.add(b.unary("abs", p), one)), b.binary("maximum", x, p),
    b.binary("minimum", x, p), b.binary("greater", x, p), b.binary("equal", b.unary("sign", x), one),
    b.select(b.binary("greater", x, p), x, b.neg(x)), b.cast(b.cast(b.scale(x, 3), "i32"), "f32"), b.leakyRelu(x, 0.1),
    b.stopGradient(x), b.unary("square", x), b.unary("tanh", x), b.unary("sigmoid", x), b.unary("relu", x), b.sub(x, p),
  ];
  const s = parts.reduce((acc, v) => b.add(acc, v));
  b.output("s", s);
};

const reductions: Build = (b, n) => {
  const x = b.input("x", [n, 4, 6]);
  b.output("sum", b.reduce("sum", x, [2]));
  b.output("mean", b.reduce("mean", x, [1], true));
  b.output("max", b.reduce("max", x, [1, 2]));
  const idx = b.argmax(x, 2);
  b.output("argmax", b.cast(idx, "f32"));
  const ls = b.logSoftmax(x, 2);
  b.output("softmax", b.softmax(x, 1));
  b.output("picked", b.add(b.takeAlongAxis(ls, idx, 2, 0), b.const([0.5], [n, 4])));
  b.output("picked_all", b.takeAlongAxis(ls, idx, 2));
};

const movement: Build = (b, n) => {
  const x = b.input("x", [n, 4, 6]);
  const p = b.param("p", [6]);
  const w = b.param("w", [5, 6]);
  b.output("whole", b.slice(x, 0, 0, n));
  b.output("middle", b.slice(x, 2, 1, 4));
  b.output("padded", b.pad(x, [[0, 0], [1, 0], [0, 2]]));
  b.output("broadcast", b.add(b.broadcastTo(p, [n, 4, 6]), x));
  b.output("gram", b.matmul(x, x, { transA: true }));
  b.output("batched_t", b.matmul(x, x, { transB: true }));
  const rows = b.matmul(b.reshape(x, [n * 4, 6]), w, { transB: true });
  b.output("rows", b.reshape(rows, [n, 4, 5]));
  b.output("joined", b.concat([x, b.transpose(b.reshape(x, [n, 6, 4]), [0, 2, 1])], 2));
  const table = b.param("table", [7, 3]);
  const ids = b.cast(b.add(b.scale(b.unary("abs", x), 6), b.scalar(0)), "i32");
  b.output("gathered", b.gather(table, b.slice(ids, 2, 0, 2)));
};

const images: Build = (b, n) => {
  const x = b.input("x", [n, 4, 7, 7]);
  const w = b.param("w", [6, 2, 3, 3]);
  const h = b.conv2d(x, w, { stride: 2, pad: 1, groups: 2 });
  b.output("avg", b.avgPool2d(h, 3, { stride: 1, pad: 1 }));
  b.output("max", b.maxPool2d(h, 2, { stride: 2, pad: 1 }));
  b.output("up", b.upsampleNearest2d(h, [2, 3]));
  const w2 = b.param("w2", [6, 3, 3, 3]);
  b.output("transposed", b.conv2dBackwardInput(h, w2, [8, 8], { stride: 2, pad: 1 }));
};

describe("ONNX op table", () => {
  it("elementwise ops (the erf GELU, casts, compares as 0/1, select on c ≠ 0)", () => {
    const ops = check(elementwise);
    for (const op of ["Exp", "Log", "Sqrt", "Reciprocal", "Sign", "Pow", "Erf", "Where", "Cast", "LeakyRelu", "Max", "Min", "Greater", "Equal"]) expect(ops).toContain(op);
  });
  it("reductions, argmax, softmax and take_along_axis with an ignored index; a batch-sized constant", () => {
    const ops = check(reductions);
    for (const op of ["ReduceSum", "ReduceMean", "ReduceMax", "ArgMax", "LogSoftmax", "Softmax", "GatherElements", "Expand", "Shape"]) expect(ops).toContain(op);
  });
  it("movement: slices, pad, broadcast to the batch, batched and 2-D matmuls, concat, gather", () => {
    const ops = check(movement);
    for (const op of ["Identity", "Slice", "Pad", "Expand", "MatMul", "Transpose", "Gemm", "Reshape", "Concat", "Gather"]) expect(ops).toContain(op);
  });
  it("grouped strided conv, average and max pooling with padding, nearest upsampling, transposed conv", () => {
    const ops = check(images);
    for (const op of ["Conv", "AveragePool", "MaxPool", "Resize", "ConvTranspose"]) expect(ops).toContain(op);
  });
  it("exactly the forward ops have an ONNX form", () => {
    const missing = opNames.filter((op) => !isExportable(op) && !["const", "input", "param"].includes(op));
    expect(missing.sort()).toEqual([
      "avg_pool2d_backward", "conv2d_backward_weight", "log_softmax_backward", "max_pool2d_backward", "random_normal", "random_uniform",
      "scatter_add", "scatter_along_axis", "softmax_backward", "upsample_nearest2d_backward",
    ]);
  });
});
