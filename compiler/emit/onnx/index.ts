// ONNX export of a model's `predict` step: the optimized eval-mode graph as an ONNX ModelProto (IR version
// 8, opset 17), weights as initializers, encoded with protobufjs/minimal (proto.ts).
//
//   exportOnnx(model, { weights, other? }) → { bytes, model, batch, fixedBecause? }
//
// The batch is symbolic ("B") when `other` (the same model lowered at another batch size) shows which
// dims follow it (batch.ts); otherwise every dim is the compiled batch. Two fusions keep the graph close
// to what other exporters write and what onnxruntime runs fastest: a 2-D matmul followed by a bias add
// is one Gemm, a conv followed by the add of its reshaped [C] bias is a Conv with its bias input. Values
// no output needs are dropped at the end (a bias reshape a Conv absorbed, for instance).

import type { Span } from "../../../grammar/source.js";
import type { Graph, Node } from "../../ir/graph.js";
import { usersOf } from "../../ir/graph.js";
import type { ModelProgram } from "../../program/types.js";
import { analyzeBatch, fixedDims } from "./batch.js";
import type { BatchDims } from "./batch.js";
import type { BatchSource } from "./builder.js";
import { OnnxBuilder, OnnxExportError, int } from "./builder.js";
import type { ConvertContext } from "./ops.js";
import { OPSET, convAttrs, onnxOps } from "./ops.js";
import type { OnnxDim, OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from "./proto.js";
import { DATA_TYPE, IR_VERSION, encodeModel } from "./proto.js";
import type { Weights } from "./weights.js";

export { OnnxExportError } from "./builder.js";
export { OPSET, isExportable } from "./ops.js";
export { encodeModel } from "./proto.js";
export type { OnnxAttr, OnnxDim, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from "./proto.js";
export { checkpointWeights, initialWeights, weightsFromCheckpoint } from "./weights.js";
export { CheckpointError } from "../../../runtime/safetensors.js";
export type { Weights } from "./weights.js";

export interface OnnxExportOptions {
  /** Values of the state tensors `predict` reads, by name (initialWeights or checkpointWeights). */
  weights: Readonly<Weights>;
  /** The same model lowered and optimized at another batch size: lets the batch be symbolic. */
  other?: ModelProgram;
  /** The `.dlm` file, for metadata. */
  file?: string;
  producerVersion?: string;
  /** Gemm and Conv-bias fusion (default true). */
  fuse?: boolean;
}

export interface OnnxExport {
  bytes: Uint8Array;
  model: OnnxModel;
  /** "B" when the batch is symbolic, else the fixed batch size. */
  batch: number | "B";
  /** Why the batch is fixed (only when `other` was given and could not make it symbolic). */
  fixedBecause?: string;
}

const where = (span: Span | undefined): string | undefined => (span ? `${span.file}:${span.start.line}:${span.start.column}` : undefined);

/** The adds that absorb the matmul or conv before them: add id → the fused node's ONNX inputs (IR ids). */
interface Fusion {
  opType: "Gemm" | "Conv";
  absorbed: number;
  node: Node;
  inputs: number[];
}

function findFusions(g: Graph, outputs: Set<number>): Map<number, Fusion> {
  const users = usersOf(g);
  const fusions = new Map<number, Fusion>();
  const only = (id: number, user: number) => users[id]!.length === 1 && users[id]![0] === user && !outputs.has(id);
  for (const n of g.nodes) {
    if (n.op !== "add" || n.dtype !== "f32") continue;
    for (const [x, y] of [[n.inputs[0]!, n.inputs[1]!], [n.inputs[1]!, n.inputs[0]!]] as const) {
      const m = g.nodes[x]!;
      const other = g.nodes[y]!;
      if (!only(x, n.id) || x === y) continue;
      if (m.op === "matmul" && m.inputs.every((i) => g.nodes[i]!.shape.length === 2) && other.shape.length <= 2 && m.shape.join() === n.shape.join()) {
        fusions.set(n.id, { opType: "Gemm", absorbed: x, node: m, inputs: [...m.inputs, y] });
        break;
      }
      if (m.op === "conv2d" && other.op === "reshape" && other.shape.join() === `1,${m.shape[1]},1,1`) {
        const bias = g.nodes[other.inputs[0]!]!;
        if (bias.shape.length === 1 && m.shape.join() === n.shape.join()) {
          fusions.set(n.id, { opType: "Conv", absorbed: x, node: m, inputs: [...m.inputs, bias.id] });
          break;
        }
      }
    }
  }
  return fusions;
}

function dimsToOnnx(shape: readonly number[], dims: readonly number[]): OnnxDim[] {
  return shape.map((d, i) => {
    const k = dims[i] ?? 0;
    return k === 0 ? d : k === 1 ? "B" : `${k}*B`;
  });
}

/** Removes nodes whose outputs nothing needs, and initializers no node reads. */
function prune(g: OnnxGraph): void {
  const needed = new Set(g.outputs.map((o) => o.name));
  const kept: OnnxNode[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const x of n.inputs) if (x !== "") needed.add(x);
  }
  g.nodes = kept.reverse();
  g.initializers = g.initializers.filter((t) => needed.has(t.name));
}

/** Exports `model.predict`; throws OnnxExportError for an op without an ONNX form, RangeError for missing weights. */
export function exportOnnx(model: ModelProgram, options: OnnxExportOptions): OnnxExport {
  const g = model.predict.graph;
  let dims: BatchDims = fixedDims(g);
  let fixedBecause: string | undefined;
  let source: BatchSource | undefined;
  if (options.other) {
    const analysis = analyzeBatch(g, model.batch, options.other.predict.graph, options.other.batch);
    if (analysis.ok) {
      for (const x of g.inputs) {
        const axis = analysis.dims[x.node]!.findIndex((k) => k !== 0);
        if (axis >= 0) {
          source = { value: x.name, axis, k: analysis.dims[x.node]![axis]! };
          break;
        }
      }
      if (source) dims = analysis.dims;
      else fixedBecause = "no input has a batch axis";
    } else {
      fixedBecause = analysis.reason;
    }
  }

  const outputs = new Set(g.outputs.map((o) => o.node));
  const reserved = [...g.inputs.map((x) => x.name), ...g.params.map((p) => p.name), ...g.outputs.map((o) => o.name)];
  const b = new OnnxBuilder(reserved, source);
  // Each computed node that is an output writes the output's name directly (the first output naming it).
  const resultName = new Map<number, string>();
  for (const o of g.outputs) {
    const op = g.nodes[o.node]!.op;
    if (op !== "input" && op !== "param" && op !== "const" && !resultName.has(o.node)) resultName.set(o.node, o.name);
  }
  const values: string[] = [];
  const ctx: ConvertContext = {
    b,
    value: (id) => {
      const v = values[id];
      if (v === undefined) throw new OnnxExportError(`internal: %${id} used before it is converted`);
      return v;
    },
    shape: (id) => g.nodes[id]!.shape,
    dims: (id) => dims[id]!,
    result: (n) => resultName.get(n.id) ?? b.fresh(`v${n.id}`),
  };
  const fusions = options.fuse === false ? new Map<number, Fusion>() : findFusions(g, outputs);
  const absorbed = new Set([...fusions.values()].map((f) => f.absorbed));

  for (const n of g.nodes) {
    b.where = where(n.span);
    values[n.id] = convertNode(n, ctx, options.weights, fusions, absorbed);
  }
  b.where = undefined;
  for (const o of g.outputs) {
    if (values[o.node] !== o.name) b.node("Identity", [values[o.node]!], [], o.name);
  }

  const valueInfo = (name: string, node: number): OnnxValueInfo => {
    const n = g.nodes[node]!;
    return { name, elemType: n.dtype === "f32" ? DATA_TYPE.float : DATA_TYPE.int32, shape: dimsToOnnx(n.shape, dims[node]!) };
  };
  const graph: OnnxGraph = {
    name: model.name,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: g.inputs.filter((x) => !model.predict.hostScalars.some((h) => h.name === x.name)).map((x) => valueInfo(x.name, x.node)),
    outputs: g.outputs.map((o) => valueInfo(o.name, o.node)),
  };
  prune(graph);
  const batch = source ? "B" : model.batch;
  const onnx: OnnxModel = {
    irVersion: IR_VERSION,
    opset: OPSET,
    producerName: "dlm",
    producerVersion: options.producerVersion ?? "0",
    docString: `${model.name}.predict${options.file ? ` from ${options.file}` : ""}, eval mode`,
    metadata: { "dlm.model": model.name, "dlm.batch": String(batch), ...(options.file ? { "dlm.source": options.file } : {}) },
    graph,
  };
  return { bytes: encodeModel(onnx), model: onnx, batch, ...(fixedBecause !== undefined ? { fixedBecause } : {}) };
}

function convertNode(n: Node, c: ConvertContext, weights: Readonly<Weights>, fusions: Map<number, Fusion>, absorbed: Set<number>): string {
  switch (n.op) {
    case "input":
      return n.attrs.name;
    case "param": {
      // Two nodes reading one parameter share its initializer.
      if (c.b.initializers.some((t) => t.name === n.attrs.name)) return n.attrs.name;
      const w = weights[n.attrs.name];
      const count = n.shape.reduce((a, d) => a * d, 1);
      if (!w) throw new RangeError(`no weights for parameter "${n.attrs.name}"`);
      if (w.length !== count) throw new RangeError(`weights for "${n.attrs.name}" have ${w.length} values, the parameter needs ${count}`);
      const data = n.dtype === "f32" ? Float32Array.from(w) : Int32Array.from(w);
      return c.b.initializer(n.attrs.name, n.dtype === "f32" ? DATA_TYPE.float : DATA_TYPE.int32, [...n.shape], data, true);
    }
    case "const": {
      const a = n.attrs;
      const count = n.shape.reduce((x, d) => x * d, 1);
      const type = a.dtype === "f32" ? DATA_TYPE.float : DATA_TYPE.int32;
      const make = (values: readonly number[]) => (a.dtype === "f32" ? Float32Array.from(values) : Int32Array.from(values));
      const dims = c.dims(n.id);
      if (dims.some((k) => k !== 0)) {
        // Batch analysis admits a batch-sized const only with one value: a scalar expanded at run time.
        const scalar = c.b.initializer(`const${n.id}`, type, [], make([a.values[0]!]));
        return c.b.node("Expand", [scalar, c.b.shape(n.shape, dims)], [], c.result(n));
      }
      const values = a.values.length === 1 && count !== 1 ? new Array<number>(count).fill(a.values[0]!) : a.values;
      return c.b.initializer(`const${n.id}`, type, [...n.shape], make(values));
    }
    default:
      break;
  }
  if (absorbed.has(n.id)) return "";
  const fusion = fusions.get(n.id);
  if (fusion) return fuse(n, fusion, c);
  const convert = onnxOps[n.op] as ((node: Node, ctx: ConvertContext) => string) | undefined;
  if (!convert) throw new OnnxExportError(`${n.op} has no ONNX export${n.span ? "" : ` (%${n.id})`}`, n.op, n.span);
  return convert(n, c);
}

/** The Gemm or Conv that replaces an add and the matmul/conv it absorbed. */
function fuse(add: Node, f: Fusion, c: ConvertContext): string {
  const inputs = f.inputs.map((i) => c.value(i));
  const m = f.node;
  const attrs = m.op === "matmul" ? [...(m.attrs.transA ? [int("transA", 1)] : []), ...(m.attrs.transB ? [int("transB", 1)] : [])]
    : m.op === "conv2d" ? convAttrs(m.attrs) : [];
  return c.b.node(f.opType, inputs, attrs, c.result(add));
}
