// Shared helpers of the pass tests: the MLP training step built as lowering would, seeded random values
// for a graph's inputs and params, a float64 before/after comparison, and the golden text of a rewrite.

import { expect } from "vitest";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { Builder } from "../../compiler/ir/builder.js";
import type { Graph, NodeId } from "../../compiler/ir/graph.js";
import { printGraph } from "../../compiler/ir/print.js";
import { evaluate, type RefValue } from "../../compiler/ir/reference.js";
import { verify } from "../../compiler/ir/verify.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import type { StepGraph } from "../../compiler/program/types.js";
import { sourceFile, spanAt } from "../../grammar/source.js";

export const mlpText = [
  "model Mlp {",
  "  input image: f32[B, 784]",
  "  output logits: f32[B, 10]",
  "  hidden = Dense(256)",
  "  logits = image |> hidden |> relu |> Dense(10)",
  "}",
  "train Mlp { loss = cross_entropy(logits, label)  minimize loss with sgd(lr = 0.1) }",
  "",
].join("\n");
const mlpFile = sourceFile("mlp.dlm", mlpText);
const at = (text: string) => {
  const start = mlpText.indexOf(text);
  return spanAt(mlpFile, start, start + text.length);
};

export interface MlpSizes { batch: number; inputs: number; hidden: number; classes: number }
export const MLP_FULL: MlpSizes = { batch: 64, inputs: 784, hidden: 256, classes: 10 };
export const MLP_SMALL: MlpSizes = { batch: 4, inputs: 6, hidden: 5, classes: 3 };

/**
 * The MLP training step as lowering builds it: forward with PyTorch's Linear layout (x·Wᵀ + b), mean
 * cross-entropy through log_softmax + take_along_axis, autodiff, then plain SGD updates p − lr·g.
 */
export function mlpTrainStep(s: MlpSizes = MLP_FULL): StepGraph {
  const b = new Builder();
  const image = b.at(at("image: f32[B, 784]"), () => b.input("image", [s.batch, s.inputs]));
  const label = b.at(at("label"), () => b.input("label", [s.batch], "i32"));
  const params = b.at(at("Dense(256)"), () => [b.param("hidden.weight", [s.hidden, s.inputs], { kind: "uniform", low: -0.03, high: 0.03 }), b.param("hidden.bias", [s.hidden], { kind: "zeros" })]);
  params.push(...b.at(at("Dense(10)"), () => [b.param("dense.weight", [s.classes, s.hidden], { kind: "uniform", low: -0.06, high: 0.06 }), b.param("dense.bias", [s.classes], { kind: "zeros" })]));
  const [w1, b1, w2, b2] = params as [NodeId, NodeId, NodeId, NodeId];
  const h = b.at(at("hidden ="), () => b.add(b.matmul(image, w1, { transB: true }), b1));
  const r = b.at(at("relu"), () => b.unary("relu", h));
  const logits = b.at(at("Dense(10)"), () => b.add(b.matmul(r, w2, { transB: true }), b2));
  b.graph.nodes[logits]!.name = "logits";
  const loss = b.at(at("cross_entropy"), () => b.neg(b.mean(b.takeAlongAxis(b.logSoftmax(logits, -1), label, -1, -100))));
  b.graph.nodes[loss]!.name = "loss";
  b.output("loss", loss);
  const d = differentiate(b.graph, { loss, wrt: params });
  const g = new Builder(d.graph);
  const lr = g.input("lr", []);
  const names = ["hidden.weight", "hidden.bias", "dense.weight", "dense.bias"];
  const updates = params.map((p, i) => {
    const grad = d.gradOf.get(p)!;
    return { state: names[i]!, node: g.at(at("sgd"), () => g.sub(p, g.mul(lr, grad))) };
  });
  return { graph: g.graph, updates, hostScalars: [{ kind: "lr", name: "lr", objective: 0 }] };
}

/** Deterministic numbers in [lo, hi) (a small LCG). */
export function seeded(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0 || 1;
  return (lo = -1, hi = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 16777216) * (hi - lo);
  };
}

/**
 * Random values for every input and param, by name. i32 values are integers in [0, intMax) (labels,
 * indices); f32 values are in [−1, 1).
 */
export function randomValues(g: Graph, seed: number, intMax = 3): { inputs: Record<string, number[]>; params: Record<string, number[]> } {
  const rand = seeded(seed);
  const fill = (id: NodeId) => {
    const n = g.nodes[id]!;
    return Array.from({ length: sizeOf(n.shape) }, () => (n.dtype === "i32" ? Math.floor(rand(0, intMax)) : rand()));
  };
  return {
    inputs: Object.fromEntries(g.inputs.map((x) => [x.name, fill(x.node)])),
    params: Object.fromEntries(g.params.map((x) => [x.name, fill(x.node)])),
  };
}

/** Named values a step computes: its outputs and, as "update:<state>", its updates. */
export function stepValues(s: StepGraph, inputs: Record<string, RefValue>, params: Record<string, RefValue>): Record<string, Float64Array> {
  const roots = [...s.graph.outputs.map((o) => o.node), ...s.updates.map((u) => u.node)];
  const v = evaluate(s.graph, inputs, params, roots);
  const out: Record<string, Float64Array> = {};
  for (const o of s.graph.outputs) out[o.name] = v[o.node]!.data;
  for (const u of s.updates) out[`update:${u.state}`] = v[u.node]!.data;
  return out;
}

export const asStep = (graph: Graph): StepGraph => ({ graph, updates: [], hostScalars: [] });

/**
 * Both steps give the same outputs and updates on several random draws (float64 reference; the
 * tolerance covers the single f32 rounding of folded constants).
 */
export function expectSameValues(before: StepGraph, after: StepGraph, seeds = [1, 2, 3], intMax = 3): void {
  expect(verify(after.graph)).toEqual([]);
  for (const seed of seeds) {
    const { inputs, params } = randomValues(before.graph, seed, intMax);
    const a = stepValues(before, inputs, params);
    const b = stepValues(after, inputs, params);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const [name, va] of Object.entries(a)) {
      const vb = b[name]!;
      expect(vb.length, name).toBe(va.length);
      for (let i = 0; i < va.length; i++) {
        const x = va[i]!;
        const y = vb[i]!;
        if (Number.isNaN(x)) expect(Number.isNaN(y), `${name}[${i}] NaN`).toBe(true);
        else expect(Math.abs(x - y), `${name}[${i}]: ${x} vs ${y}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
      }
    }
  }
}

/** Golden text of a rewrite: the graph before, then after. */
export function beforeAfter(before: Graph, after: Graph, pass: string): string {
  return `${printGraph(before)}---- after ${pass} ----\n${printGraph(after)}`;
}
