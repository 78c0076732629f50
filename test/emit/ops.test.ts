// Ops the examples use little or not at all, each in a small predict graph, emitted, loaded and compared
// with the float64 reference: movement (slice/concat of f32 and i32, pad, transpose, broadcast_to),
// non-contiguous reductions, argmax on a middle axis, batched and broadcast matmul, pooling and its
// backward ops, upsampling, gather/scatter_add, select, softmax off the last axis, random normal — and
// the same graphs with elementwise fusion off. Every emitted module also type-checks strictly.

import { describe, expect, it } from "vitest";
import { Builder } from "../../compiler/ir/builder.js";
import type { NodeId } from "../../compiler/ir/graph.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import type { ModelProgram, TensorSpec } from "../../compiler/program/types.js";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { compiledOf } from "./programs.js";
import { expectClose, loadModel, referenceStep, typeErrors } from "./harness.js";

const B = 2;

interface Case {
  name: string;
  inputs: TensorSpec[];
  build: (b: Builder, x: NodeId[]) => NodeId;
}

const f32 = (name: string, ...shape: number[]): TensorSpec => ({ name, dtype: "f32", shape: [B, ...shape] });
const i32 = (name: string, ...shape: number[]): TensorSpec => ({ name, dtype: "i32", shape: [B, ...shape] });

const cases: Case[] = [
  { name: "slice and concat (f32)", inputs: [f32("x", 3, 5)], build: (b, [x]) => b.concat([b.slice(x!, 2, 3, 5), b.slice(x!, 2, 0, 2)], 2) },
  { name: "slice and concat (i32), cast", inputs: [i32("t", 6)], build: (b, [t]) => b.cast(b.concat([b.slice(t!, 1, 4, 6), b.slice(t!, 1, 0, 4)], 1), "f32") },
  { name: "pad", inputs: [f32("x", 2, 3)], build: (b, [x]) => b.pad(x!, [[0, 0], [1, 0], [2, 1]]) },
  { name: "transpose", inputs: [f32("x", 3, 4, 2)], build: (b, [x]) => b.transpose(x!, [0, 3, 1, 2]) },
  { name: "broadcast_to and a column broadcast", inputs: [f32("x", 3, 1)], build: (b, [x]) => b.mul(b.broadcastTo(x!, [B, 3, 4]), x!) },
  { name: "sum over non-adjacent axes, keepdims", inputs: [f32("x", 3, 4, 5)], build: (b, [x]) => b.sum(x!, [1, 3], true) },
  { name: "mean and max over a middle axis", inputs: [f32("x", 3, 4)], build: (b, [x]) => b.add(b.mean(x!, 1), b.max(x!, 1)) },
  { name: "argmax on a middle axis", inputs: [f32("x", 5, 3)], build: (b, [x]) => b.cast(b.argmax(x!, 1), "f32") },
  { name: "batched matmul, weight broadcast", inputs: [f32("x", 3, 4)], build: (b, [x]) => b.matmul(x!, b.const(Array.from({ length: 20 }, (_, i) => i / 10 - 1), [4, 5])) },
  { name: "batched matmul, both batched, transposed", inputs: [f32("x", 3, 4), f32("w", 5, 4)], build: (b, [x, w]) => b.matmul(x!, w!, { transB: true }) },
  { name: "avg pool with padding and its backward", inputs: [f32("x", 2, 5, 5)], build: (b, [x]) => {
    const p = b.avgPool2d(x!, 3, { stride: 2, pad: 1 });
    return b.emit("avg_pool2d_backward", [p], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], inputSize: [5, 5] });
  } },
  { name: "max pool backward without its forward", inputs: [f32("x", 2, 4, 4), f32("dy", 2, 2, 2)], build: (b, [x, dy]) =>
    b.emit("max_pool2d_backward", [x!, dy!], { kernel: [2, 2], stride: [2, 2], pad: [0, 0] }) },
  { name: "upsample and its backward", inputs: [f32("x", 2, 3, 3)], build: (b, [x]) => {
    const u = b.upsampleNearest2d(x!, 2);
    return b.emit("upsample_nearest2d_backward", [b.mul(u, u)], { scale: [2, 2] });
  } },
  { name: "conv2d with stride, dilation and groups, and both backward ops", inputs: [f32("x", 4, 7, 7)], build: (b, [x]) => {
    const w = b.const(Array.from({ length: 4 * 2 * 3 * 3 }, (_, i) => Math.sin(i)), [4, 2, 3, 3]);
    const o = { stride: 2, pad: 1, dilation: 1, groups: 2 };
    const y = b.conv2d(x!, w, o);
    const dx = b.conv2dBackwardInput(y, w, [7, 7], o);
    const dw = b.conv2dBackwardWeight(x!, y, [3, 3], o);
    return b.add(dx, b.mul(b.sum(dw), b.scalar(0.01)));
  } },
  { name: "gather and scatter_add", inputs: [i32("ids", 3)], build: (b, [ids]) => {
    const table = b.const(Array.from({ length: 12 }, (_, i) => i * 0.5), [4, 3]);
    const rows = b.gather(table, ids!); // [B, 3, 3]
    const back = b.scatterAdd(rows, ids!, 4); // [4, 3]
    return b.add(rows, b.sum(back, 0)); // [B, 3, 3] + [3]
  } },
  { name: "select, comparisons, maximum", inputs: [f32("x", 6), f32("z", 6)], build: (b, [x, z]) =>
    b.select(b.binary("greater", x!, z!), b.binary("maximum", x!, b.scalar(0.5)), b.binary("minimum", z!, b.neg(x!))) },
  { name: "unary math", inputs: [f32("x", 8)], build: (b, [x]) => {
    const t = b.add(b.mul(x!, b.scalar(2)), b.scalar(0.1));
    const parts = [b.unary("tanh", t), b.unary("sigmoid", t), b.unary("gelu", t), b.unary("silu", t), b.unary("erf", t), b.unary("abs", t),
      b.unary("sign", t), b.leakyRelu(t, 0.2), b.pow(b.unary("abs", t), 1.5), b.unary("rsqrt", b.add(b.unary("square", t), b.scalar(1)))];
    return parts.reduce((acc, p) => b.add(acc, p));
  } },
  { name: "log_softmax and softmax on axis 1 with backward", inputs: [f32("x", 3, 2, 2), f32("dy", 3, 2, 2)], build: (b, [x, dy]) => {
    const ls = b.logSoftmax(x!, 1);
    const sm = b.softmax(x!, 1);
    const g1 = b.emit("log_softmax_backward", [ls, dy!], { axis: 1 });
    const g2 = b.emit("softmax_backward", [sm, dy!], { axis: 1 });
    return b.add(b.add(ls, sm), b.add(g1, g2));
  } },
  { name: "take and scatter along axis 1 with an ignore index", inputs: [f32("x", 3, 4), i32("label", 4)], build: (b, [x, label]) => {
    const t = b.takeAlongAxis(x!, label!, 1, -1); // [B, 4]
    return b.scatterAlongAxis(b.mul(t, t), label!, 1, 3, -1); // [B, 3, 4]
  } },
  { name: "random normal and uniform", inputs: [f32("x", 5)], build: (b, [x]) => {
    const step = b.const([3], [], "i32");
    return b.add(b.mul(x!, b.randomNormal(step, [B, 5], 7, 1, 2)), b.randomUniform(step, [B, 5], 8, -1, 1));
  } },
];

function program(c: Case): ModelProgram {
  const b = new Builder();
  const xs = c.inputs.map((t) => b.input(t.name, t.shape, t.dtype));
  const out = c.build(b, xs);
  b.output("out", out);
  const shape = b.shape(out);
  return {
    name: "Op",
    batch: B,
    inputs: c.inputs,
    outputs: [{ name: "out", dtype: "f32", shape }],
    fields: c.inputs,
    state: [],
    predict: { graph: b.graph, updates: [], hostScalars: [] },
  };
}

function values(t: TensorSpec, salt: number): Float32Array | Int32Array {
  const n = sizeOf(t.shape);
  if (t.dtype === "i32") return Int32Array.from({ length: n }, (_, i) => (t.name === "label" && i % 5 === 4 ? -1 : (i * 5 + salt) % 3));
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + salt) * 1.5);
}

describe.each([true, false])("fuse %s", (fuse) => {
  it.each(cases)("$name", async (c) => {
    const model = program(c);
    expect(model.outputs[0]!.shape[0]).toBe(B);
    const Model = await loadModel(model, "ops.dlm", { fuse });
    const m = await Model.create();
    const inputs = Object.fromEntries(c.inputs.map((t, k) => [t.name, values(t, k)]));
    const got = m.predict(inputs)["out"]!;
    const want = referenceStep(model.predict, inputs, {}).outputs["out"]!;
    expectClose(got, want, c.name, 1e-4, 1e-5);
  });
});

it("every op module type-checks under strict settings", async () => {
  const files: Record<string, string> = {};
  for (const [k, c] of cases.entries()) {
    const { files: f } = await emitTypeScript(compiledOf(program(c), `op-${k}.dlm`), { format: false });
    Object.assign(files, f);
  }
  expect(typeErrors(files)).toEqual([]);
}, 120_000);
