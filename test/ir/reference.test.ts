// The float64 reference kernels against values worked out by hand or known to many digits, and against
// identities that tie ops together independently of their loops (transpose flags vs explicit transposes,
// adjointness of each backward op to its forward op, softmax normalisation).

import { describe, expect, it } from "vitest";
import type { ConvOptions } from "../../compiler/ir/builder.js";
import type { NodeId } from "../../compiler/ir/graph.js";
import type { RefTensor } from "../../compiler/ir/reference.js";
import { Builder } from "../../compiler/ir/builder.js";
import { evaluate, evaluateOutputs, tensor } from "../../compiler/ir/reference.js";
import { erf, gelu } from "../../compiler/ir/reference/math.js";
import { uniformAt } from "../../compiler/ir/reference/random.js";
import { rng } from "../gradcheck/harness.js";

/** Builds a graph over named inputs and evaluates one node. */
function run(inputs: Record<string, RefTensor>, f: (b: Builder, x: Record<string, NodeId>) => NodeId): RefTensor {
  const b = new Builder();
  const ids = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, b.input(n, t.shape, t.dtype)]));
  const out = f(b, ids);
  return evaluate(b.graph, inputs, {}, [out])[out]!;
}

const data = (t: RefTensor) => [...t.data];
const random = (shape: number[], seed: number) => {
  const r = rng(seed);
  return tensor(shape, Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => 2 * r() - 1));
};
const dot = (a: RefTensor, b: RefTensor) => a.data.reduce((s, v, i) => s + v * b.data[i]!, 0);

describe("scalar functions", () => {
  it("erf to about 1e-15", () => {
    const known: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [-1.5, -0.9661051464753108], [3.5, 0.9999992569016276], [5, 0.9999999999984626]];
    for (const [x, v] of known) expect(Math.abs(erf(x) - v)).toBeLessThan(2e-15);
  });
  it("exact gelu", () => {
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(gelu(-1)).toBeCloseTo(-0.15865525393145707, 14);
    expect(gelu(0)).toBe(0);
  });
});

describe("elementwise and reductions", () => {
  it("computes by hand-checked values", () => {
    const x = tensor([2, 3], [1, -2, 3, -4, 5, -6]);
    expect(data(run({ x }, (b, v) => b.sum(v.x!, 1)))).toEqual([2, -5]);
    expect(data(run({ x }, (b, v) => b.mean(v.x!, 0, true)))).toEqual([-1.5, 1.5, -1.5]);
    expect(data(run({ x }, (b, v) => b.max(v.x!, 1)))).toEqual([3, 5]);
    expect(data(run({ x }, (b, v) => b.argmax(v.x!, 0)))).toEqual([0, 1, 0]);
    expect(data(run({ x }, (b, v) => b.unary("relu", v.x!)))).toEqual([1, 0, 3, 0, 5, 0]);
    expect(data(run({ x }, (b, v) => b.leakyRelu(v.x!, 0.1)))).toEqual([1, -0.2, 3, -0.4, 5, -0.6000000000000001]);
    expect(data(run({ x }, (b, v) => b.add(v.x!, b.const([10, 20], [2, 1]))))).toEqual([11, 8, 13, 16, 25, 14]);
    expect(data(run({ x }, (b, v) => b.select(b.binary("greater", v.x!, b.scalar(0)), v.x!, b.scalar(9))))).toEqual([1, 9, 3, 9, 5, 9]);
    expect(data(run({ x: tensor([4], [-1.7, 1.7, -0.2, 2]) }, (b, v) => b.cast(v.x!, "i32")))).toEqual([-1, 1, 0, 2]);
    expect(data(run({ x: tensor([2], [3, 4], "i32") }, (b, v) => b.unary("sign", b.cast(b.sub(v.x!, b.scalar(3, "i32")), "f32"))))).toEqual([0, 1]);
  });

  it("softmax rows sum to one and log_softmax is their log", () => {
    const x = random([3, 4], 1);
    const s = run({ x }, (b, v) => b.softmax(v.x!, 0));
    for (let c = 0; c < 4; c++) expect(s.data[c]! + s.data[4 + c]! + s.data[8 + c]!).toBeCloseTo(1, 14);
    const ls = run({ x }, (b, v) => b.logSoftmax(v.x!, 0));
    ls.data.forEach((v, i) => expect(v).toBeCloseTo(Math.log(s.data[i]!), 13));
    const big = run({ x: tensor([2], [1000, 1001]) }, (b, v) => b.softmax(v.x!));
    expect(big.data[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
  });
});

describe("matmul", () => {
  it("multiplies a hand example", () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const c = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    expect(data(run({ a, c }, (b, v) => b.matmul(v.a!, v.c!)))).toEqual([58, 64, 139, 154]);
  });
  it("treats transpose flags as explicit transposes, with broadcast batches", () => {
    const a = random([2, 1, 4, 3], 2);
    const c = random([3, 5, 4], 3);
    const flagged = run({ a, c }, (b, v) => b.matmul(v.a!, v.c!, { transA: true, transB: true }));
    const explicit = run({ a, c }, (b, v) => b.matmul(b.transpose(v.a!, [0, 1, 3, 2]), b.transpose(v.c!, [0, 2, 1])));
    expect(flagged.shape).toEqual([2, 3, 3, 5]);
    data(flagged).forEach((v, i) => expect(v).toBeCloseTo(explicit.data[i]!, 14));
  });
});

describe("convolution and pooling", () => {
  const x = tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const ones = tensor([1, 1, 2, 2], [1, 1, 1, 1]);
  it("convolves hand examples (valid, and padded with stride)", () => {
    expect(data(run({ x, w: ones }, (b, v) => b.conv2d(v.x!, v.w!)))).toEqual([12, 16, 24, 28]);
    expect(data(run({ x, w: ones }, (b, v) => b.conv2d(v.x!, v.w!, { pad: 1, stride: 2 })))).toEqual([1, 5, 11, 28]);
  });
  it.each([
    ["plain", [2, 3, 6, 5], [4, 3, 3, 3], {}],
    ["stride, pad, dilation", [1, 2, 9, 8], [3, 2, 3, 2], { stride: [2, 3], pad: [2, 1], dilation: [2, 1] }],
    ["groups", [2, 4, 5, 5], [6, 2, 2, 2], { groups: 2, stride: 2 }],
  ] as [string, number[], number[], ConvOptions][])("makes the backward ops adjoint to conv2d (%s)", (_, xs, ws, o) => {
    const xv = random(xs, 4);
    const wv = random(ws, 5);
    const y = run({ x: xv, w: wv }, (b, v) => b.conv2d(v.x!, v.w!, o));
    const d = random(y.shape, 6);
    const dx = run({ d, w: wv }, (b, v) => b.conv2dBackwardInput(v.d!, v.w!, [xs[2]!, xs[3]!], o));
    const dw = run({ x: xv, d }, (b, v) => b.conv2dBackwardWeight(v.x!, v.d!, [ws[2]!, ws[3]!], o));
    expect(dot(xv, dx)).toBeCloseTo(dot(y, d), 12);
    expect(dot(wv, dw)).toBeCloseTo(dot(y, d), 12);
  });
  it("max pools with −∞ padding and routes gradients to the first maximum", () => {
    const m = tensor([1, 1, 2, 3], [1, 5, 5, -2, 0, -3]);
    expect(data(run({ m }, (b, v) => b.maxPool2d(v.m!, 2, { stride: 1 })))).toEqual([5, 5]);
    expect(data(run({ m }, (b, v) => b.maxPool2d(v.m!, [2, 2], { stride: 2, pad: [0, 1] })))).toEqual([1, 5]);
    const dx = run({ m, dy: tensor([1, 1, 1, 2], [10, 20]) }, (b, v) => b.emit("max_pool2d_backward", [v.m!, v.dy!], { kernel: [2, 2], stride: [1, 1], pad: [0, 0] }));
    expect(data(dx)).toEqual([0, 30, 0, 0, 0, 0]);
  });
  it("average pools counting the padding", () => {
    expect(data(run({ x }, (b, v) => b.avgPool2d(v.x!, 2, { stride: 2, pad: 1 })))).toEqual([1 / 4, 5 / 4, 11 / 4, 28 / 4]);
  });
  it("makes avg_pool2d_backward, upsample backward, scatters adjoint to their forward ops", () => {
    const xv = random([2, 2, 5, 6], 7);
    const attrs = { kernel: [3, 3], stride: [2, 2], pad: [1, 1] } as const;
    const y = run({ x: xv }, (b, v) => b.avgPool2d(v.x!, [3, 3], { stride: 2, pad: 1 }));
    const d = random(y.shape, 8);
    const dx = run({ d }, (b, v) => b.emit("avg_pool2d_backward", [v.d!], { kernel: [...attrs.kernel], stride: [...attrs.stride], pad: [...attrs.pad], inputSize: [5, 6] }));
    expect(dot(xv, dx)).toBeCloseTo(dot(y, d), 12);
    const u = run({ x: xv }, (b, v) => b.upsampleNearest2d(v.x!, [2, 3]));
    const du = random(u.shape, 9);
    const back = run({ du }, (b, v) => b.emit("upsample_nearest2d_backward", [v.du!], { scale: [2, 3] }));
    expect(dot(xv, back)).toBeCloseTo(dot(u, du), 12);
  });
  it("upsamples by repetition", () => {
    expect(data(run({ s: tensor([1, 1, 1, 2], [1, 2]) }, (b, v) => b.upsampleNearest2d(v.s!, [2, 2])))).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });
});

describe("movement and indexing", () => {
  const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  it("moves elements", () => {
    expect(data(run({ x }, (b, v) => b.transpose(v.x!, [1, 0])))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(data(run({ x }, (b, v) => b.slice(v.x!, 1, 1, 3)))).toEqual([2, 3, 5, 6]);
    expect(data(run({ x }, (b, v) => b.concat([v.x!, b.slice(v.x!, 1, 0, 1)], 1)))).toEqual([1, 2, 3, 1, 4, 5, 6, 4]);
    expect(data(run({ x }, (b, v) => b.pad(v.x!, [[0, 1], [1, 0]])))).toEqual([0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0]);
    expect(data(run({ x }, (b, v) => b.broadcastTo(b.slice(v.x!, 0, 0, 1), [2, 2, 3])))).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });
  it("gathers and scatters rows", () => {
    const idx = tensor([3], [2, 0, 2], "i32");
    const t = tensor([3, 2], [1, 2, 3, 4, 5, 6]);
    expect(data(run({ t, idx }, (b, v) => b.gather(v.t!, v.idx!)))).toEqual([5, 6, 1, 2, 5, 6]);
    expect(data(run({ t, idx }, (b, v) => b.scatterAdd(v.t!, v.idx!, 4)))).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    expect(() => run({ t, idx: tensor([1], [3], "i32") }, (b, v) => b.gather(v.t!, v.idx!))).toThrow(/index 3 out of range/);
  });
  it("takes along an axis, giving 0 at the ignore index", () => {
    const idx = tensor([2], [2, -100], "i32");
    expect(data(run({ x, idx }, (b, v) => b.takeAlongAxis(v.x!, v.idx!, 1, -100)))).toEqual([3, 0]);
    expect(data(run({ u: tensor([2], [7, 8]), idx }, (b, v) => b.scatterAlongAxis(v.u!, v.idx!, 1, 3, -100)))).toEqual([0, 0, 7, 0, 0, 0]);
    expect(() => run({ x, idx }, (b, v) => b.takeAlongAxis(v.x!, v.idx!, 1))).toThrow(/out of range/);
  });
});

describe("random ops", () => {
  const draw = (step: number, stream: number, kind: "uniform" | "normal", n = 4000) =>
    run({ s: tensor([], [step], "i32") }, (b, v) => (kind === "uniform" ? b.randomUniform(v.s!, [n], stream, -1, 3) : b.randomNormal(v.s!, [n], stream, 2, 0.5)));
  it("is reproducible and differs by step and stream", () => {
    expect(data(draw(1, 0, "uniform", 8))).toEqual(data(draw(1, 0, "uniform", 8)));
    expect(data(draw(2, 0, "uniform", 8))).not.toEqual(data(draw(1, 0, "uniform", 8)));
    expect(data(draw(1, 1, "uniform", 8))).not.toEqual(data(draw(1, 0, "uniform", 8)));
    expect(uniformAt(0, 0, 0)).toBeGreaterThan(0);
  });
  it("has the requested moments", () => {
    const u = data(draw(5, 3, "uniform"));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(u.reduce((a, v) => a + v, 0) / u.length).toBeCloseTo(1, 1);
    const z = data(draw(5, 3, "normal"));
    const mean = z.reduce((a, v) => a + v, 0) / z.length;
    const std = Math.sqrt(z.reduce((a, v) => a + (v - mean) ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(std).toBeCloseTo(0.5, 1);
  });
});

describe("evaluate", () => {
  it("binds inputs and params by name, with shape checks", () => {
    const b = new Builder();
    const x = b.input("x", [2]);
    const w = b.param("w", [2]);
    b.output("y", b.mul(x, w));
    expect(data(evaluateOutputs(b.graph, { x: [1, 2] }, { w: tensor([2], [3, 4]) }).y!)).toEqual([3, 8]);
    expect(() => evaluateOutputs(b.graph, { x: [1, 2] })).toThrow(/no value for param "w"/);
    expect(() => evaluateOutputs(b.graph, { x: [1, 2, 3] }, { w: [1, 1] })).toThrow(/3 values/);
    expect(() => evaluateOutputs(b.graph, { x: tensor([1, 2], [1, 2]) }, { w: [1, 1] })).toThrow(/has shape \[1, 2\]/);
  });
  it("evaluates only what the roots need", () => {
    const b = new Builder();
    const x = b.input("x", [2]);
    const unused = b.input("unused", [2]);
    const y = b.exp(x);
    const values = evaluate(b.graph, { x: [0, 1] }, {}, [y]);
    expect(values[unused]).toBeUndefined();
    expect(data(values[y]!)).toEqual([1, Math.E]);
  });
});
