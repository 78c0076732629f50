// THE table from IR ops to ONNX ops (opset 17): one entry per op the exporter supports. An op without an
// entry (random draws, the backward ops of training) is an OnnxExportError at the op's `.dlm` position.
//
// Each entry reads its inputs' value names from the context and returns the value it produced; its last
// node writes `c.result(node)`, the name the graph output or the next op expects. Meanings follow the IR
// reference evaluator (compiler/ir/reference): compare ops return 0/1 floats (a bool Cast to float),
// select tests `c ≠ 0`, gelu is the exact erf form (Gelu is opset 20), argmax returns i32.

import type { NodeOf } from "../../ir/graph.js";
import type { OpName } from "../../ir/op-attrs.js";
import type { Attr, OnnxBuilder } from "./builder.js";
import { float, int, ints, string } from "./builder.js";
import { DATA_TYPE } from "./proto.js";

/** The opset the table targets. */
export const OPSET = 17;

export interface ConvertContext {
  b: OnnxBuilder;
  /** The ONNX value of an IR node's result. */
  value(id: number): string;
  /** The (static) shape of an IR node at the exported batch. */
  shape(id: number): readonly number[];
  /** Batch multiple of each dim of an IR node (all 0 when the batch is fixed). */
  dims(id: number): readonly number[];
  /** The name the node's final value must have. */
  result(node: { id: number }): string;
}

type Converter<K extends OpName> = (node: NodeOf<K>, c: ConvertContext) => string;
type Table = { [K in OpName]?: Converter<K> };

const dataType = (dtype: "f32" | "i32") => (dtype === "f32" ? DATA_TYPE.float : DATA_TYPE.int32);

function direct<K extends OpName>(opType: string, attrs: (n: NodeOf<K>) => Attr[] = () => []): Converter<K> {
  return (n, c) => c.b.node(opType, n.inputs.map((i) => c.value(i)), attrs(n), c.result(n));
}

/** x·f(x)-style unary ops built from two ONNX nodes. */
function chain<K extends OpName>(build: (x: string, c: ConvertContext, out: string, n: NodeOf<K>) => string): Converter<K> {
  return (n, c) => build(c.value(n.inputs[0]!), c, c.result(n), n);
}

function compare<K extends "greater" | "equal">(opType: string): Converter<K> {
  return (n, c) => c.b.node("Cast", [c.b.node(opType, [c.value(n.inputs[0]!), c.value(n.inputs[1]!)])], [int("to", DATA_TYPE.float)], c.result(n));
}

const pads2 = (p: readonly [number, number]) => [p[0], p[1], p[0], p[1]];

function swapLast(x: string, rank: number, c: ConvertContext): string {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return c.b.node("Transpose", [x], [ints("perm", perm)]);
}

export const onnxOps: Table = {
  neg: direct("Neg"),
  exp: direct("Exp"),
  log: direct("Log"),
  sqrt: direct("Sqrt"),
  rsqrt: chain((x, c, out) => c.b.node("Reciprocal", [c.b.node("Sqrt", [x])], [], out)),
  abs: direct("Abs"),
  square: chain((x, c, out) => c.b.node("Mul", [x, x], [], out)),
  tanh: direct("Tanh"),
  sigmoid: direct("Sigmoid"),
  relu: direct("Relu"),
  leaky_relu: direct("LeakyRelu", (n) => [float("alpha", n.attrs.alpha)]),
  erf: direct("Erf"),
  gelu: chain((x, c, out) => {
    const erf = c.b.node("Erf", [c.b.node("Mul", [x, c.b.f32([Math.SQRT1_2])])]);
    const half = c.b.node("Mul", [x, c.b.f32([0.5])]);
    return c.b.node("Mul", [half, c.b.node("Add", [erf, c.b.f32([1])])], [], out);
  }),
  silu: chain((x, c, out) => c.b.node("Mul", [x, c.b.node("Sigmoid", [x])], [], out)),
  sign: direct("Sign"),
  pow: chain((x, c, out, n) => c.b.node("Pow", [x, c.b.f32([n.attrs.exponent])], [], out)),
  stop_gradient: direct("Identity"),

  add: direct("Add"),
  sub: direct("Sub"),
  mul: direct("Mul"),
  div: direct("Div"),
  maximum: direct("Max"),
  minimum: direct("Min"),
  greater: compare("Greater"),
  equal: compare("Equal"),
  select: (n, c) => {
    const [cond, a, b] = n.inputs.map((i) => c.value(i)) as [string, string, string];
    return c.b.node("Where", [c.b.node("Cast", [cond], [int("to", DATA_TYPE.bool)]), a, b], [], c.result(n));
  },
  cast: direct("Cast", (n) => [int("to", dataType(n.attrs.to))]),

  sum: (n, c) => n.attrs.axes.length === 0
    ? c.b.node("Identity", [c.value(n.inputs[0]!)], [], c.result(n))
    : c.b.node("ReduceSum", [c.value(n.inputs[0]!), c.b.i64(n.attrs.axes)], [int("keepdims", n.attrs.keepdims ? 1 : 0)], c.result(n)),
  mean: direct("ReduceMean", (n) => [ints("axes", n.attrs.axes), int("keepdims", n.attrs.keepdims ? 1 : 0)]),
  max: direct("ReduceMax", (n) => [ints("axes", n.attrs.axes), int("keepdims", n.attrs.keepdims ? 1 : 0)]),
  argmax: (n, c) => {
    const i64 = c.b.node("ArgMax", [c.value(n.inputs[0]!)], [int("axis", n.attrs.axis), int("keepdims", n.attrs.keepdims ? 1 : 0)]);
    return c.b.node("Cast", [i64], [int("to", DATA_TYPE.int32)], c.result(n));
  },

  matmul: (n, c) => {
    const [ia, ib] = n.inputs as [number, number];
    const [ra, rb] = [c.shape(ia).length, c.shape(ib).length];
    let [a, b] = [c.value(ia), c.value(ib)];
    if (ra === 2 && rb === 2) {
      const attrs = [...(n.attrs.transA ? [int("transA", 1)] : []), ...(n.attrs.transB ? [int("transB", 1)] : [])];
      return c.b.node("Gemm", [a, b], attrs, c.result(n));
    }
    if (n.attrs.transA) a = swapLast(a, ra, c);
    if (n.attrs.transB) b = swapLast(b, rb, c);
    return c.b.node("MatMul", [a, b], [], c.result(n));
  },
  conv2d: (n, c) => c.b.node("Conv", n.inputs.map((i) => c.value(i)), convAttrs(n.attrs), c.result(n)),
  conv2d_backward_input: (n, c) => {
    // ConvTranspose's output size is (in−1)·s − 2p + d·(k−1) + 1 + output_padding; the IR op names the size.
    const [dyId, wId] = n.inputs as [number, number];
    const attrs = convAttrs(n.attrs);
    const [dy, w] = [c.shape(dyId), c.shape(wId)];
    const a = n.attrs;
    const outPad = [0, 1].map((i) => a.inputSize[i]! - ((dy[2 + i]! - 1) * a.stride[i]! - 2 * a.pad[i]! + a.dilation[i]! * (w[2 + i]! - 1) + 1));
    if (outPad.some((p) => p !== 0)) attrs.push(ints("output_padding", outPad));
    return c.b.node("ConvTranspose", [c.value(dyId), c.value(wId)], attrs, c.result(n));
  },
  max_pool2d: direct("MaxPool", (n) => [ints("kernel_shape", [...n.attrs.kernel]), ints("pads", pads2(n.attrs.pad)), ints("strides", [...n.attrs.stride])]),
  avg_pool2d: direct("AveragePool", (n) => [
    ints("kernel_shape", [...n.attrs.kernel]), ints("pads", pads2(n.attrs.pad)), ints("strides", [...n.attrs.stride]), int("count_include_pad", 1),
  ]),
  upsample_nearest2d: (n, c) => c.b.node("Resize", [c.value(n.inputs[0]!), "", c.b.f32([1, 1, n.attrs.scale[0], n.attrs.scale[1]], [4], "scales")], [
    string("mode", "nearest"), string("coordinate_transformation_mode", "asymmetric"), string("nearest_mode", "floor"),
  ], c.result(n)),

  softmax: direct("Softmax", (n) => [int("axis", n.attrs.axis)]),
  log_softmax: direct("LogSoftmax", (n) => [int("axis", n.attrs.axis)]),

  gather: direct("Gather", () => [int("axis", 0)]),
  take_along_axis: (n, c) => {
    const [x, idx] = n.inputs.map((i) => c.value(i)) as [string, string];
    const axis = c.b.i64([n.attrs.axis]);
    const ignored = n.attrs.ignore === null ? undefined : c.b.node("Equal", [idx, c.b.initializer("ignore", DATA_TYPE.int32, [], Int32Array.of(n.attrs.ignore))]);
    const safe = ignored ? c.b.node("Where", [ignored, c.b.initializer("zero", DATA_TYPE.int32, [], Int32Array.of(0)), idx]) : idx;
    const picked = c.b.node("GatherElements", [x, c.b.node("Unsqueeze", [safe, axis])], [int("axis", n.attrs.axis)]);
    if (!ignored) return c.b.node("Squeeze", [picked, axis], [], c.result(n));
    return c.b.node("Where", [ignored, c.b.f32([0]), c.b.node("Squeeze", [picked, axis])], [], c.result(n));
  },

  reshape: (n, c) => {
    const dims = c.dims(n.id);
    const batchEntries = dims.filter((k) => k !== 0).length;
    // One batch entry: Reshape's −1 infers it, so the shape stays a constant.
    const shape = batchEntries === 1 ? c.b.i64(n.shape.map((d, i) => (dims[i] !== 0 ? -1 : d))) : c.b.shape(n.shape, dims);
    return c.b.node("Reshape", [c.value(n.inputs[0]!), shape], [], c.result(n));
  },
  transpose: direct("Transpose", (n) => [ints("perm", [...n.attrs.perm])]),
  broadcast_to: (n, c) => {
    // Expand broadcasts like numpy, so a batch dim the input already has can stay 1 in the target shape.
    const x = n.inputs[0]!;
    const [inDims, outDims] = [c.dims(x), c.dims(n.id)];
    const offset = n.shape.length - inDims.length;
    const keep = outDims.map((k, i) => (k !== 0 && i >= offset && inDims[i - offset] === k ? 0 : k));
    const target = n.shape.map((d, i) => (outDims[i] !== 0 && keep[i] === 0 ? 1 : d));
    return c.b.node("Expand", [c.value(x), c.b.shape(target, keep)], [], c.result(n));
  },
  slice: (n, c) => {
    const x = c.value(n.inputs[0]!);
    // Batch analysis admits a slice along the batch axis only when it keeps all of it.
    if (c.dims(n.inputs[0]!)[n.attrs.axis] !== 0) return c.b.node("Identity", [x], [], c.result(n));
    const [s, e, a] = [c.b.i64([n.attrs.start]), c.b.i64([n.attrs.end]), c.b.i64([n.attrs.axis])];
    return c.b.node("Slice", [x, s, e, a], [], c.result(n));
  },
  concat: direct("Concat", (n) => [int("axis", n.attrs.axis)]),
  pad: (n, c) => c.b.node("Pad", [c.value(n.inputs[0]!), c.b.i64([...n.attrs.pads.map((p) => p[0]), ...n.attrs.pads.map((p) => p[1])])], [], c.result(n)),
};

export function convAttrs(a: { stride: [number, number]; pad: [number, number]; dilation: [number, number]; groups: number }): Attr[] {
  return [ints("strides", [...a.stride]), ints("pads", pads2(a.pad)), ints("dilations", [...a.dilation]), int("group", a.groups)];
}

export function isExportable(op: OpName): boolean {
  return onnxOps[op] !== undefined;
}
