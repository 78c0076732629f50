// A small typed builder over graph.ts: each method appends one node whose shape/dtype comes from ops.ts,
// so a mistake fails at the line that made it (IrError) rather than in a later pass. Lowering, the autodiff
// rules and tests all build IR through it. The builder keeps a current span that every new node takes.
//
// Convenience only: axes may be negative (normalised here), pairs may be given as one number, conv/pool
// options have PyTorch's defaults. The stored attrs are always the canonical form ops.ts checks.

import type { Span } from "../../grammar/source.js";
import type { Graph, NodeId, ParamInit } from "./graph.js";
import type { ConvAttrs, NoAttrs, OpAttrs, OpName, Pair, PoolAttrs } from "./op-attrs.js";
import type { DType, TensorType } from "./shapes.js";
import { emptyGraph, nodeAt } from "./graph.js";
import { inferType } from "./ops.js";
import { IrError } from "./shapes.js";

/** Attr-less ops with one input, built with `b.unary(op, x)`. */
export type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "rsqrt" | "abs" | "square" | "tanh" | "sigmoid" | "relu"
  | "erf" | "gelu" | "silu" | "sign" | "stop_gradient";
/** Attr-less broadcasting ops with two inputs, built with `b.binary(op, a, b)`. */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "maximum" | "minimum" | "greater" | "equal";

export type PairLike = number | Pair;
export interface ConvOptions { stride?: PairLike; pad?: PairLike; dilation?: PairLike; groups?: number }
export interface PoolOptions { stride?: PairLike; pad?: PairLike }

export const pair = (p: PairLike): Pair => (typeof p === "number" ? [p, p] : [p[0], p[1]]);

const NONE: NoAttrs = {};

export class Builder {
  readonly graph: Graph;
  /** Span given to every node created from now on. */
  span: Span | undefined;

  constructor(graph: Graph = emptyGraph()) {
    this.graph = graph;
  }

  /** Runs `f` with `span` as the current span, restoring the previous one afterwards. */
  at<T>(span: Span | undefined, f: () => T): T {
    const saved = this.span;
    this.span = span;
    try {
      return f();
    } finally {
      this.span = saved;
    }
  }

  emit<K extends OpName>(op: K, inputs: NodeId[], attrs: OpAttrs[K], name?: string): NodeId {
    const t = inferType(op, inputs.map((i) => this.type(i)), attrs);
    const id = this.graph.nodes.length;
    const node = { id, op, inputs: [...inputs], shape: t.shape, dtype: t.dtype, attrs } as Graph["nodes"][number];
    if (this.span) node.span = this.span;
    if (name !== undefined) node.name = name;
    this.graph.nodes.push(node);
    return id;
  }

  type(id: NodeId): TensorType {
    const n = nodeAt(this.graph, id);
    return { shape: n.shape, dtype: n.dtype };
  }

  shape(id: NodeId): number[] {
    return nodeAt(this.graph, id).shape;
  }

  rank(id: NodeId): number {
    return this.shape(id).length;
  }

  // ---- sources and named lists ---------------------------------------------------------------------

  input(name: string, shape: number[], dtype: DType = "f32"): NodeId {
    if (this.graph.inputs.some((x) => x.name === name)) throw new IrError(`duplicate input "${name}"`);
    const id = this.emit("input", [], { name, shape: [...shape], dtype }, name);
    this.graph.inputs.push({ name, node: id });
    return id;
  }

  param(name: string, shape: number[], init: ParamInit = { kind: "zeros" }, dtype: DType = "f32"): NodeId {
    if (this.graph.params.some((x) => x.name === name)) throw new IrError(`duplicate param "${name}"`);
    const id = this.emit("param", [], { name, shape: [...shape], dtype }, name);
    this.graph.params.push({ name, node: id, init });
    return id;
  }

  output(name: string, id: NodeId): void {
    if (this.graph.outputs.some((x) => x.name === name)) throw new IrError(`duplicate output "${name}"`);
    nodeAt(this.graph, id);
    this.graph.outputs.push({ name, node: id });
  }

  const(values: number[], shape: number[], dtype: DType = "f32"): NodeId {
    return this.emit("const", [], { values: [...values], shape: [...shape], dtype });
  }

  scalar(value: number, dtype: DType = "f32"): NodeId {
    return this.const([value], [], dtype);
  }

  // ---- elementwise ---------------------------------------------------------------------------------

  unary(op: UnaryOp, x: NodeId): NodeId {
    return this.emit(op, [x], NONE);
  }

  binary(op: BinaryOp, a: NodeId, b: NodeId): NodeId {
    return this.emit(op, [a, b], NONE);
  }

  add(a: NodeId, b: NodeId): NodeId { return this.binary("add", a, b); }
  sub(a: NodeId, b: NodeId): NodeId { return this.binary("sub", a, b); }
  mul(a: NodeId, b: NodeId): NodeId { return this.binary("mul", a, b); }
  div(a: NodeId, b: NodeId): NodeId { return this.binary("div", a, b); }
  neg(x: NodeId): NodeId { return this.unary("neg", x); }
  exp(x: NodeId): NodeId { return this.unary("exp", x); }
  log(x: NodeId): NodeId { return this.unary("log", x); }
  /** x * c for a number c (a scalar const). */
  scale(x: NodeId, c: number): NodeId { return this.mul(x, this.scalar(c)); }
  leakyRelu(x: NodeId, alpha = 0.01): NodeId { return this.emit("leaky_relu", [x], { alpha }); }
  pow(x: NodeId, exponent: number): NodeId { return this.emit("pow", [x], { exponent }); }
  select(cond: NodeId, a: NodeId, b: NodeId): NodeId { return this.emit("select", [cond, a, b], NONE); }
  cast(x: NodeId, to: DType): NodeId { return this.emit("cast", [x], { to }); }
  stopGradient(x: NodeId): NodeId { return this.unary("stop_gradient", x); }

  // ---- reductions ----------------------------------------------------------------------------------

  private axes(x: NodeId, axes: number | number[] | undefined): number[] {
    const r = this.rank(x);
    const list = axes === undefined ? [...Array(r).keys()] : typeof axes === "number" ? [axes] : axes;
    return [...new Set(list.map((a) => (a < 0 ? a + r : a)))].sort((p, q) => p - q);
  }

  /** Reduce over `axes` (default: all). */
  reduce(op: "sum" | "mean" | "max", x: NodeId, axes?: number | number[], keepdims = false): NodeId {
    return this.emit(op, [x], { axes: this.axes(x, axes), keepdims });
  }

  sum(x: NodeId, axes?: number | number[], keepdims = false): NodeId { return this.reduce("sum", x, axes, keepdims); }
  mean(x: NodeId, axes?: number | number[], keepdims = false): NodeId { return this.reduce("mean", x, axes, keepdims); }
  max(x: NodeId, axes?: number | number[], keepdims = false): NodeId { return this.reduce("max", x, axes, keepdims); }

  argmax(x: NodeId, axis: number, keepdims = false): NodeId {
    return this.emit("argmax", [x], { axis: this.axis(x, axis), keepdims });
  }

  /** Normalise a possibly negative axis against the rank of x (plus `extra` for ops that insert an axis). */
  axis(x: NodeId, axis: number, extra = 0): number {
    return axis < 0 ? axis + this.rank(x) + extra : axis;
  }

  // ---- contraction, convolution, pooling -----------------------------------------------------------

  matmul(a: NodeId, b: NodeId, opts: { transA?: boolean; transB?: boolean } = {}): NodeId {
    return this.emit("matmul", [a, b], { transA: opts.transA ?? false, transB: opts.transB ?? false });
  }

  static convAttrs(o: ConvOptions): ConvAttrs {
    return { stride: pair(o.stride ?? 1), pad: pair(o.pad ?? 0), dilation: pair(o.dilation ?? 1), groups: o.groups ?? 1 };
  }

  conv2d(x: NodeId, w: NodeId, o: ConvOptions = {}): NodeId {
    return this.emit("conv2d", [x, w], Builder.convAttrs(o));
  }

  conv2dBackwardInput(dy: NodeId, w: NodeId, inputSize: Pair, o: ConvOptions = {}): NodeId {
    return this.emit("conv2d_backward_input", [dy, w], { ...Builder.convAttrs(o), inputSize });
  }

  conv2dBackwardWeight(x: NodeId, dy: NodeId, kernel: Pair, o: ConvOptions = {}): NodeId {
    return this.emit("conv2d_backward_weight", [x, dy], { ...Builder.convAttrs(o), kernel });
  }

  static poolAttrs(kernel: PairLike, o: PoolOptions): PoolAttrs {
    return { kernel: pair(kernel), stride: pair(o.stride ?? kernel), pad: pair(o.pad ?? 0) };
  }

  maxPool2d(x: NodeId, kernel: PairLike, o: PoolOptions = {}): NodeId {
    return this.emit("max_pool2d", [x], Builder.poolAttrs(kernel, o));
  }

  avgPool2d(x: NodeId, kernel: PairLike, o: PoolOptions = {}): NodeId {
    return this.emit("avg_pool2d", [x], Builder.poolAttrs(kernel, o));
  }

  upsampleNearest2d(x: NodeId, scale: PairLike): NodeId {
    return this.emit("upsample_nearest2d", [x], { scale: pair(scale) });
  }

  softmax(x: NodeId, axis = -1): NodeId { return this.emit("softmax", [x], { axis: this.axis(x, axis) }); }
  logSoftmax(x: NodeId, axis = -1): NodeId { return this.emit("log_softmax", [x], { axis: this.axis(x, axis) }); }

  // ---- indexing ------------------------------------------------------------------------------------

  gather(table: NodeId, indices: NodeId): NodeId { return this.emit("gather", [table, indices], NONE); }
  scatterAdd(updates: NodeId, indices: NodeId, rows: number): NodeId { return this.emit("scatter_add", [updates, indices], { rows }); }

  takeAlongAxis(x: NodeId, indices: NodeId, axis = -1, ignore: number | null = null): NodeId {
    return this.emit("take_along_axis", [x, indices], { axis: this.axis(x, axis), ignore });
  }

  scatterAlongAxis(updates: NodeId, indices: NodeId, axis: number, size: number, ignore: number | null = null): NodeId {
    return this.emit("scatter_along_axis", [updates, indices], { axis: this.axis(updates, axis, 1), size, ignore });
  }

  // ---- movement ------------------------------------------------------------------------------------

  reshape(x: NodeId, shape: number[]): NodeId { return this.emit("reshape", [x], { shape: [...shape] }); }
  transpose(x: NodeId, perm: number[]): NodeId { return this.emit("transpose", [x], { perm: [...perm] }); }
  broadcastTo(x: NodeId, shape: number[]): NodeId { return this.emit("broadcast_to", [x], { shape: [...shape] }); }

  slice(x: NodeId, axis: number, start: number, end: number): NodeId {
    return this.emit("slice", [x], { axis: this.axis(x, axis), start, end });
  }

  concat(xs: NodeId[], axis: number): NodeId {
    if (xs.length === 0) throw new IrError("concat: needs at least one input");
    return this.emit("concat", xs, { axis: this.axis(xs[0]!, axis) });
  }

  pad(x: NodeId, pads: Pair[]): NodeId { return this.emit("pad", [x], { pads: pads.map((p) => [p[0], p[1]] as Pair) }); }

  // ---- random --------------------------------------------------------------------------------------

  randomUniform(step: NodeId, shape: number[], stream: number, low = 0, high = 1): NodeId {
    return this.emit("random_uniform", [step], { shape: [...shape], stream, low, high });
  }

  randomNormal(step: NodeId, shape: number[], stream: number, mean = 0, std = 1): NodeId {
    return this.emit("random_normal", [step], { shape: [...shape], stream, mean, std });
  }
}
