// Shape/dtype inference of the op table: results on well-formed uses, IrError with both shapes on misuse.

import { describe, expect, it } from "vitest";
import type { OpAttrs, OpName } from "../../compiler/ir/op-attrs.js";
import type { TensorType } from "../../compiler/ir/shapes.js";
import { inferType, isOpName, opNames, ops, opsIn } from "../../compiler/ir/ops.js";
import { IrError, convOutSize } from "../../compiler/ir/shapes.js";

const f = (...shape: number[]): TensorType => ({ shape, dtype: "f32" });
const i = (...shape: number[]): TensorType => ({ shape, dtype: "i32" });
const infer = <K extends OpName>(op: K, ins: TensorType[], attrs: OpAttrs[K]) => inferType(op, ins, attrs);
const conv = { stride: [1, 1], pad: [0, 0], dilation: [1, 1], groups: 1 } as OpAttrs["conv2d"];
const pool = (k: number, s = k, p = 0): OpAttrs["max_pool2d"] => ({ kernel: [k, k], stride: [s, s], pad: [p, p] });

describe("op table", () => {
  it("lists every op once, with groups the passes can ask about", () => {
    expect(new Set(opNames).size).toBe(opNames.length);
    expect(opsIn("elementwise")).toEqual(expect.arrayContaining(["add", "relu", "select", "gelu"]));
    expect(opsIn("elementwise")).not.toContain("matmul");
    expect(opsIn("reduction")).toEqual(["sum", "mean", "max", "argmax"]);
    expect(opsIn("random")).toEqual(["random_uniform", "random_normal"]);
    expect(isOpName("matmul")).toBe(true);
    expect(isOpName("toString")).toBe(false);
    expect(ops.greater.differentiable).toBe(false);
    expect(ops.conv2d_backward_input.groups).toContain("backward");
  });

  it("checks arity", () => {
    expect(() => infer("add", [f(2)], {})).toThrow(/add: expected 2 input\(s\), got 1/);
    expect(() => infer("concat", [], { axis: 0 })).toThrow(/at least 1/);
  });
});

describe("elementwise inference", () => {
  it("broadcasts like NumPy", () => {
    expect(infer("add", [f(2, 1, 4), f(3, 1)], {}).shape).toEqual([2, 3, 4]);
    expect(infer("mul", [f(), f(5)], {}).shape).toEqual([5]);
    expect(infer("select", [f(3, 1), f(4), f(1, 4)], {}).shape).toEqual([3, 4]);
  });
  it("rejects shapes that do not broadcast, naming both", () => {
    expect(() => infer("add", [f(2, 3), f(4)], {})).toThrow(IrError);
    expect(() => infer("add", [f(2, 3), f(4)], {})).toThrow("add: shapes [2, 3] and [4] do not broadcast");
  });
  it("checks dtypes", () => {
    expect(infer("add", [i(2), i(2)], {}).dtype).toBe("i32");
    expect(infer("greater", [i(2), i(1)], {}).dtype).toBe("f32");
    expect(() => infer("add", [f(2), i(2)], {})).toThrow(/dtypes differ/);
    expect(() => infer("div", [i(2), i(2)], {})).toThrow(/expected f32/);
    expect(() => infer("exp", [i(2)], {})).toThrow(/exp: expected f32/);
    expect(() => infer("select", [i(2), f(2), f(2)], {})).toThrow(/select condition/);
    expect(infer("cast", [f(2)], { to: "i32" })).toEqual(i(2));
    expect(() => infer("cast", [f(2)], { to: "f32" })).toThrow(/already f32/);
  });
  it("checks attrs", () => {
    expect(() => infer("pow", [f(2)], { exponent: NaN })).toThrow(/exponent/);
    expect(() => infer("leaky_relu", [f(2)], { alpha: Infinity })).toThrow(/alpha/);
  });
});

describe("reduction inference", () => {
  it("drops or keeps reduced axes", () => {
    expect(infer("sum", [f(2, 3, 4)], { axes: [0, 2], keepdims: false }).shape).toEqual([3]);
    expect(infer("mean", [f(2, 3, 4)], { axes: [1], keepdims: true }).shape).toEqual([2, 1, 4]);
    expect(infer("sum", [f(2, 3)], { axes: [0, 1], keepdims: false }).shape).toEqual([]);
    expect(infer("argmax", [f(2, 5)], { axis: 1, keepdims: false })).toEqual(i(2));
  });
  it("rejects unnormalised axes", () => {
    expect(() => infer("sum", [f(2, 3)], { axes: [2], keepdims: false })).toThrow(/axis 2 out of range for rank 2/);
    expect(() => infer("sum", [f(2, 3)], { axes: [-1], keepdims: false })).toThrow(/out of range/);
    expect(() => infer("sum", [f(2, 3)], { axes: [1, 0], keepdims: false })).toThrow(/sorted and distinct/);
    expect(() => infer("max", [f(0, 3)], { axes: [0], keepdims: false })).toThrow(/empty axis/);
  });
});

describe("matmul inference", () => {
  const mm = (a: TensorType, b: TensorType, transA = false, transB = false) => infer("matmul", [a, b], { transA, transB }).shape;
  it("handles transposes and batch broadcasting", () => {
    expect(mm(f(64, 784), f(256, 784), false, true)).toEqual([64, 256]);
    expect(mm(f(5, 3), f(5, 4), true)).toEqual([3, 4]);
    expect(mm(f(2, 1, 3, 4), f(5, 4, 6))).toEqual([2, 5, 3, 6]);
    expect(mm(f(8, 3, 4), f(4, 2))).toEqual([8, 3, 2]);
  });
  it("rejects mismatched inner dims, rank < 2 and bad batch dims", () => {
    expect(() => mm(f(3, 4), f(5, 6))).toThrow("matmul: inner dims differ (4 vs 5) in f32[3, 4] · f32[5, 6]");
    expect(() => mm(f(4), f(4, 2))).toThrow(/rank >= 2/);
    expect(() => mm(f(2, 3, 4), f(3, 4, 5))).toThrow(/batch dims/);
  });
});

describe("conv and pool inference", () => {
  it("uses PyTorch's output size", () => {
    expect(convOutSize(28, 3, 1, 1, 1)).toBe(28);
    expect(convOutSize(28, 3, 2, 1, 1)).toBe(14);
    expect(convOutSize(7, 3, 2, 0, 1)).toBe(3);
    expect(convOutSize(10, 3, 1, 0, 2)).toBe(6);
    expect(infer("conv2d", [f(8, 3, 32, 32), f(16, 3, 5, 5)], { ...conv, pad: [2, 2], stride: [2, 2] }).shape).toEqual([8, 16, 16, 16]);
    expect(infer("conv2d", [f(1, 4, 5, 5), f(6, 2, 3, 3)], { ...conv, groups: 2 }).shape).toEqual([1, 6, 3, 3]);
  });
  it("rejects channel, group and size mismatches", () => {
    expect(() => infer("conv2d", [f(1, 3, 5, 5), f(4, 2, 3, 3)], conv)).toThrow(/input channels 3 and weight \[4, 2, 3, 3\] do not match groups 1/);
    expect(() => infer("conv2d", [f(1, 4, 5, 5), f(5, 2, 3, 3)], { ...conv, groups: 2 })).toThrow(/groups 2/);
    expect(() => infer("conv2d", [f(1, 1, 2, 2), f(1, 1, 3, 3)], conv)).toThrow(/does not fit/);
    expect(() => infer("conv2d", [f(1, 1, 5), f(1, 1, 3, 3)], conv)).toThrow(/expected rank 4/);
    expect(() => infer("conv2d", [f(1, 1, 5, 5), f(1, 1, 3, 3)], { ...conv, stride: [0, 1] })).toThrow(/stride/);
  });
  it("types the conv backward ops from the forward shapes", () => {
    const a = { ...conv, stride: [2, 2], pad: [1, 1] } as OpAttrs["conv2d"];
    expect(infer("conv2d_backward_input", [f(2, 8, 4, 4), f(8, 3, 3, 3)], { ...a, inputSize: [8, 8] }).shape).toEqual([2, 3, 8, 8]);
    expect(infer("conv2d_backward_input", [f(2, 8, 4, 4), f(8, 3, 3, 3)], { ...a, inputSize: [7, 7] }).shape).toEqual([2, 3, 7, 7]);
    expect(() => infer("conv2d_backward_input", [f(2, 8, 4, 4), f(8, 3, 3, 3)], { ...a, inputSize: [9, 9] })).toThrow(/dy must be \[2, 8, 5, 5\]/);
    expect(infer("conv2d_backward_weight", [f(2, 3, 8, 8), f(2, 8, 4, 4)], { ...a, kernel: [3, 3] }).shape).toEqual([8, 3, 3, 3]);
  });
  it("types pooling and upsampling", () => {
    expect(infer("max_pool2d", [f(1, 2, 7, 7)], pool(2)).shape).toEqual([1, 2, 3, 3]);
    expect(infer("avg_pool2d", [f(1, 2, 7, 7)], pool(3, 2, 1)).shape).toEqual([1, 2, 4, 4]);
    expect(() => infer("max_pool2d", [f(1, 2, 7, 7)], pool(2, 2, 2))).toThrow(/at most half the kernel/);
    expect(infer("max_pool2d_backward", [f(1, 2, 7, 7), f(1, 2, 3, 3)], pool(2)).shape).toEqual([1, 2, 7, 7]);
    expect(() => infer("max_pool2d_backward", [f(1, 2, 7, 7), f(1, 2, 4, 3)], pool(2))).toThrow(/dy must be/);
    expect(infer("avg_pool2d_backward", [f(1, 2, 3, 3)], { ...pool(2), inputSize: [7, 6] }).shape).toEqual([1, 2, 7, 6]);
    expect(infer("upsample_nearest2d", [f(1, 2, 3, 4)], { scale: [2, 3] }).shape).toEqual([1, 2, 6, 12]);
    expect(() => infer("upsample_nearest2d_backward", [f(1, 2, 5, 4)], { scale: [2, 2] })).toThrow(/not divisible/);
  });
});

describe("movement and indexing inference", () => {
  it("types movement ops", () => {
    expect(infer("reshape", [f(2, 6)], { shape: [3, 4] }).shape).toEqual([3, 4]);
    expect(() => infer("reshape", [f(2, 6)], { shape: [5, 2] })).toThrow("reshape: cannot reshape f32[2, 6] to [5, 2]");
    expect(infer("transpose", [f(2, 3, 4)], { perm: [2, 0, 1] }).shape).toEqual([4, 2, 3]);
    expect(() => infer("transpose", [f(2, 3)], { perm: [0, 0] })).toThrow(/not a permutation/);
    expect(infer("broadcast_to", [f(3, 1)], { shape: [2, 3, 4] }).shape).toEqual([2, 3, 4]);
    expect(() => infer("broadcast_to", [f(3, 2)], { shape: [3, 4] })).toThrow(/broadcast/);
    expect(() => infer("broadcast_to", [f(1, 3)], { shape: [3] })).toThrow(/cannot broadcast/);
    expect(infer("slice", [f(4, 7)], { axis: 1, start: 2, end: 7 }).shape).toEqual([4, 5]);
    expect(() => infer("slice", [f(4, 7)], { axis: 1, start: 2, end: 8 })).toThrow(/out of range/);
    expect(infer("concat", [f(2, 1), f(2, 3)], { axis: 1 }).shape).toEqual([2, 4]);
    expect(() => infer("concat", [f(2, 1), f(3, 3)], { axis: 1 })).toThrow(/does not match/);
    expect(() => infer("concat", [f(2, 1), i(2, 1)], { axis: 0 })).toThrow(/does not match/);
    expect(infer("pad", [f(2, 3)], { pads: [[1, 0], [2, 2]] }).shape).toEqual([3, 7]);
    expect(() => infer("pad", [f(2, 3)], { pads: [[1, 0]] })).toThrow(/1 pads for/);
  });
  it("types indexing ops", () => {
    expect(infer("gather", [f(100, 16), i(4, 7)], {}).shape).toEqual([4, 7, 16]);
    expect(() => infer("gather", [f(100, 16), f(4)], {})).toThrow(/gather indices: expected i32/);
    expect(infer("scatter_add", [f(4, 7, 16), i(4, 7)], { rows: 100 }).shape).toEqual([100, 16]);
    expect(() => infer("scatter_add", [f(4, 16), i(5)], { rows: 100 })).toThrow(/do not start with/);
    expect(infer("take_along_axis", [f(8, 10), i(8)], { axis: 1, ignore: -100 }).shape).toEqual([8]);
    expect(() => infer("take_along_axis", [f(8, 10), i(10)], { axis: 1, ignore: null })).toThrow(/indices must be \[8\]/);
    expect(infer("scatter_along_axis", [f(8), i(8)], { axis: 1, size: 10, ignore: null }).shape).toEqual([8, 10]);
  });
  it("types sources and random ops", () => {
    expect(infer("const", [], { values: [1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: "f32" }).shape).toEqual([2, 3]);
    expect(infer("const", [], { values: [0], shape: [2, 3], dtype: "f32" }).shape).toEqual([2, 3]);
    expect(() => infer("const", [], { values: [1, 2], shape: [3], dtype: "f32" })).toThrow(/2 values for shape \[3\]/);
    expect(() => infer("const", [], { values: [1.5], shape: [], dtype: "i32" })).toThrow(/integers/);
    expect(() => infer("input", [], { name: "x", shape: [2, -1], dtype: "f32" })).toThrow(/non-negative integers/);
    expect(infer("random_uniform", [i()], { shape: [2, 3], stream: 0, low: 0, high: 1 })).toEqual(f(2, 3));
    expect(() => infer("random_uniform", [f()], { shape: [2], stream: 0, low: 0, high: 1 })).toThrow(/step: expected i32/);
    expect(() => infer("random_normal", [i(1)], { shape: [2], stream: 0, mean: 0, std: 1 })).toThrow(/expected rank 0/);
    expect(() => infer("random_uniform", [i()], { shape: [2], stream: 0, low: 1, high: 1 })).toThrow(/low < high/);
  });
});
