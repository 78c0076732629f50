// ONNX export of the examples' predict graphs: the written bytes are decoded with protobufjs's Reader
// (decode.ts, its own field numbers) and run by a float64 ONNX evaluator (evaluate.ts); the outputs must
// match the IR reference evaluator on the same weights, at a batch size other than the exported one when
// the batch is symbolic. The initial weights must be the generated class's own.

import { describe, expect, it } from "vitest";
import { evaluateOutputs } from "../../compiler/ir/reference.js";
import { OnnxExportError, exportOnnx, initialWeights } from "../../compiler/emit/onnx/index.js";
import type { Weights } from "../../compiler/emit/onnx/index.js";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import type { ModelProgram } from "../../compiler/program/types.js";
import { lowerExample } from "../emit/examples.js";
import { decodeModel } from "./decode.js";
import type { DecodedModel } from "./decode.js";
import { runGraph, tensorOf } from "./evaluate.js";

/** The example's first model at a batch size. */
function model(name: string, batch: number): ModelProgram {
  return lowerExample(name, batch).program.models[0]!;
}

/** Deterministic inputs for a model's predict graph (i32 inputs: valid indices below `vocab`). */
function inputsFor(m: ModelProgram, seed: number, vocab = 2): Record<string, Float64Array> {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const out: Record<string, Float64Array> = {};
  for (const x of m.inputs) {
    const n = x.shape.reduce((a, b) => a * b, 1);
    out[x.name] = Float64Array.from({ length: n }, () => (x.dtype === "i32" ? Math.floor(next() * vocab) : next() * 2 - 1));
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Exports at batch b1 (b2 locates the batch axis), runs the ONNX graph at `runBatch`, compares to the IR. */
function checkExample(name: string, b1: number, b2: number, runBatch: number, tolerance = 1e-6): DecodedModel {
  const m1 = model(name, b1);
  const weights = initialWeights(m1);
  const out = exportOnnx(m1, { weights, other: model(name, b2) });
  expect(out.batch).toBe("B");
  const decoded = decodeModel(out.bytes);
  const mRun = runBatch === b1 ? m1 : model(name, runBatch);
  const inputs = inputsFor(mRun, 7);
  const onnxInputs = Object.fromEntries(mRun.inputs.map((x) => [x.name, tensorOf([...x.shape], inputs[x.name]!, x.dtype === "i32" ? 6 : 1)]));
  const got = runGraph(decoded.graph, onnxInputs);
  // The reference reads the same f32 weights, widened to float64; the ONNX graph holds its constants (the
  // attention scale, 1/√2 of GELU, eps) as float32, hence a tolerance above float64 rounding.
  const want = evaluateOutputs(mRun.predict.graph, inputs, weights);
  for (const o of mRun.outputs) {
    expect(got[o.name]!.dims).toEqual(o.shape);
    expect(maxDiff(got[o.name]!.data, want[o.name]!.data)).toBeLessThan(tolerance);
  }
  return decoded;
}

/** The decoded graph as text: what the golden holds. */
function describeGraph(m: DecodedModel): string {
  const g = m.graph;
  const shape = (s: Array<number | string>) => `[${s.join(", ")}]`;
  const attr = (a: DecodedModel["graph"]["nodes"][number]["attrs"][string]) =>
    a.i !== undefined ? String(a.i) : a.f !== undefined ? String(a.f) : a.s !== undefined ? JSON.stringify(a.s) : a.ints.length > 0 ? `[${a.ints.join(", ")}]` : `[${a.floats.join(", ")}]`;
  return [
    `ir_version ${m.irVersion}, opsets ${m.opsets.map((o) => `${o.domain || "ai.onnx"}:${o.version}`).join(" ")}, producer ${m.producerName}`,
    `metadata ${Object.entries(m.metadata).filter(([k]) => k !== "dlm.source").map(([k, v]) => `${k}=${v}`).join(" ")}`,
    ...g.inputs.map((v) => `input ${v.name}: type ${v.elemType} ${shape(v.shape)}`),
    ...g.initializers.map((t) => `initializer ${t.name}: type ${t.dataType} ${shape(t.dims)}`),
    ...g.nodes.map((n) => `${n.outputs.join(", ")} = ${n.opType}(${n.inputs.join(", ")})${Object.keys(n.attrs).length ? ` {${Object.entries(n.attrs).map(([k, a]) => `${k}=${attr(a)}`).join(", ")}}` : ""}${n.docString ? ` @ ${n.docString}` : ""}`),
    ...g.outputs.map((v) => `output ${v.name}: type ${v.elemType} ${shape(v.shape)}`),
  ].join("\n") + "\n";
}

describe("ONNX export", () => {
  it("MLP: a Gemm per Dense layer, symbolic batch, and the reference's outputs at another batch", async () => {
    const decoded = checkExample("mlp", 3, 4, 5);
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsets).toEqual([{ domain: "", version: 17 }]);
    expect(decoded.graph.inputs[0]!.shape).toEqual(["B", 28, 28]);
    expect(decoded.graph.outputs[0]!.shape).toEqual(["B", 10]);
    expect(decoded.graph.nodes.map((n) => n.opType)).toEqual(["Reshape", "Gemm", "Relu", "Gemm"]);
    await expect(describeGraph(decoded)).toMatchFileSnapshot("__snapshots__/mlp.onnx.txt");
  });

  it("CNN: Conv with its bias, MaxPool, flatten with −1, at another batch", () => {
    const decoded = checkExample("cnn", 2, 3, 1);
    expect(decoded.graph.nodes.map((n) => n.opType)).toEqual(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Reshape", "Gemm", "Relu", "Gemm"]);
    const flatten = decoded.graph.nodes[6]!;
    expect(decoded.graph.initializers.find((t) => t.name === flatten.inputs[1])!.values).toEqual([-1, 3136]);
  });

  it("segmentation: ConvTranspose, nearest Resize and Concat", () => {
    const decoded = checkExample("segmentation", 2, 3, 1);
    const ops = new Set(decoded.graph.nodes.map((n) => n.opType));
    for (const op of ["ConvTranspose", "Resize", "Concat", "Conv", "MaxPool"]) expect(ops).toContain(op);
  });

  it("transformer: Gather, Softmax, the erf form of GELU, layer norm, slices, batched MatMul", () => {
    const decoded = checkExample("transformer", 2, 3, 3);
    const ops = new Set(decoded.graph.nodes.map((n) => n.opType));
    for (const op of ["Gather", "Softmax", "Erf", "ReduceMean", "Slice", "MatMul", "Transpose"]) expect(ops).toContain(op);
  });

  it("GAN generator (LeakyRelu, Sigmoid), autoencoder (ReduceMean of a square), char RNN (Gather, Slice, Concat, Tanh)", () => {
    checkExample("gan", 2, 3, 1);
    checkExample("autoencoder", 2, 3, 1);
    const rnn = checkExample("char-rnn", 1, 2, 2);
    const ops = new Set(rnn.graph.nodes.map((n) => n.opType));
    for (const op of ["Gather", "Slice", "Concat", "Tanh"]) expect(ops).toContain(op);
  });

  it("ViT: the class token broadcast to a batch read from the input's Shape at run time", () => {
    const decoded = checkExample("vit", 2, 3, 1);
    const ops = decoded.graph.nodes.map((n) => n.opType);
    expect(ops).toContain("Shape");
    expect(ops).toContain("Expand");
  });

  it("the initial weights are the ones the generated class starts from (same seed)", async () => {
    const program = lowerExample("mlp", 2).program;
    const m = program.models[0]!;
    const module = await loadCompiled(program);
    const cls = module[m.name] as { create(o: { seed: number }): Promise<{ parameters(): Record<string, Float32Array> }> };
    const params = (await cls.create({ seed: 5 })).parameters();
    const mine = initialWeights(m, 5);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(params).sort());
    for (const [name, w] of Object.entries(mine)) expect(Array.from(w)).toEqual(Array.from(params[name]!));
  });

  it("without a second lowering the batch is fixed; a graph that changes with the batch says why", () => {
    const m = model("mlp", 3);
    const weights = initialWeights(m);
    const fixed = exportOnnx(m, { weights });
    expect(fixed.batch).toBe(3);
    expect(decodeModel(fixed.bytes).graph.inputs[0]!.shape).toEqual([3, 28, 28]);
    const other = model("mlp", 4);
    const changed: ModelProgram = { ...other, predict: { ...other.predict, graph: { ...other.predict.graph, nodes: other.predict.graph.nodes.slice(0, -1) } } };
    const out = exportOnnx(m, { weights, other: changed });
    expect(out.batch).toBe(3);
    expect(out.fixedBecause).toMatch(/nodes/);
  });

  it("an op with no ONNX form is an OnnxExportError naming the op and its .dlm position", () => {
    const m = model("mlp", 2);
    const nodes = m.predict.graph.nodes.map((n) => (n.op === "relu" ? { ...n, op: "scatter_add" as const, attrs: { rows: 2 } } : n));
    const broken: ModelProgram = { ...m, predict: { ...m.predict, graph: { ...m.predict.graph, nodes: nodes as typeof m.predict.graph.nodes } } };
    let error: unknown;
    try {
      exportOnnx(broken, { weights: initialWeights(m) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxExportError);
    const e = error as OnnxExportError;
    expect(e.op).toBe("scatter_add");
    expect(e.message).toContain("scatter_add");
    expect(e.span?.file).toBe("examples/mlp.dlm");
    expect(e.span?.start.line).toBe(9);
  });

  it("missing or mis-sized weights are a RangeError naming the parameter", () => {
    const m = model("mlp", 2);
    const weights: Weights = { ...initialWeights(m) };
    delete weights["hidden.bias"];
    expect(() => exportOnnx(m, { weights })).toThrow(/hidden\.bias/);
    expect(() => exportOnnx(m, { weights: { ...initialWeights(m), "hidden.bias": new Float32Array(3) } })).toThrow(/hidden\.bias.*3 values/);
  });
});
