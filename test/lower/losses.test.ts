// Losses and metrics against hand-written formulas, in scalar form (train) and per-example form
// (evaluate: one value per example whose plain mean is the scalar).

import { describe, expect, it } from "vitest";
import { elaborate } from "../../compiler/check/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph } from "../../compiler/ir/graph.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerGraph } from "../../compiler/lower/index.js";
import { checkSource, expectClose, run } from "./helpers.js";

/** Lowers `expr` inside a model, given inputs a: f32[2, 3] and t: i32[2] / y: f32[2, 3]. */
function value(expr: string, outType: string, perExample: boolean, inputs: Record<string, number[]>): number[] {
  const src = `model M {
    input a: f32[B, 3]
    input y: f32[B, 3]
    input t: i32[B]
    input s: i32[B, 2]
    input z: f32[B, 3, 2]
    output o: f32[B, 3]
    l = ${expr}
    o = a
  }`;
  const checked = checkSource(src);
  const el = elaborate(checked, "M", {}, { B: 2 }).model!;
  const b = new Builder(emptyGraph());
  const res = lowerGraph(el, "train", b, { perExample });
  expect(res.diagnostics).toEqual([]);
  // Scalars cannot be declared as model outputs, so read the value of the last op (the expression's).
  const last = el.ops[el.ops.length - 1]!;
  expect(last.outputs[0]!.shape.length).toBe(outType === "f32[]" ? 0 : 1);
  b.output("o", res.values.get(last.outputs[0]!.id)!);
  expect(verify(b.graph)).toEqual([]);
  return run(b.graph, inputs)["o"]!;
}

const a = [0.3, -1.2, 2.0, 0.5, 0.1, -0.7];
const y = [0.2, 0.9, 0.5, 0.0, 1.0, 0.3];
const t = [2, 0];
const s = [1, 0, 2, 1];
const z = [0.5, -0.1, 1.5, 0.3, -0.2, 2.2, 0.9, 0.4, 0.0, -1.0, 0.7, 0.1];
const inputs = { a, y, t, s, z };

const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
const rows = (v: number[], n: number) => Array.from({ length: v.length / n }, (_, i) => v.slice(i * n, i * n + n));
const lse = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((acc, x) => acc + Math.exp(x - m), 0));
};

describe("losses", () => {
  const ce = rows(a, 3).map((r, n) => lse(r) - r[t[n]!]!);
  it("cross_entropy with class ids: mean, sum, none, per-example", () => {
    expectClose(value("cross_entropy(a, t)", "f32[]", false, inputs), [mean(ce)]);
    expectClose(value("cross_entropy(a, t, reduce: sum)", "f32[]", false, inputs), [ce[0]! + ce[1]!]);
    expectClose(value("cross_entropy(a, t, reduce: none)", "f32[B]", false, inputs), ce);
    expectClose(value("cross_entropy(a, t)", "f32[]", true, inputs), ce);
    // Per-example values of a sum loss average back to the sum.
    expectClose(value("cross_entropy(a, t, reduce: sum)", "f32[]", true, inputs), ce.map((c) => 2 * c));
  });

  it("cross_entropy with probabilities and ignore", () => {
    const soft = rows(a, 3).map((r, n) => -rows(y, 3)[n]!.reduce((acc, p, k) => acc + p * (r[k]! - lse(r)), 0));
    expectClose(value("cross_entropy(a, y)", "f32[]", false, inputs), [mean(soft)]);
    expectClose(value("cross_entropy(a, t, ignore: 0)", "f32[]", false, inputs), [ce[0]!]);
  });

  it("cross_entropy over a class axis in the middle (axis: 1) and per example over the rest", () => {
    // z: [B, 3 classes, 2 positions], s: [B, 2]
    const loss: number[][] = [[], []];
    for (let n = 0; n < 2; n++) for (let p = 0; p < 2; p++) {
      const logits = [0, 1, 2].map((c) => z[(n * 3 + c) * 2 + p]!);
      loss[n]!.push(lse(logits) - logits[s[n * 2 + p]!]!);
    }
    expectClose(value("cross_entropy(z, s, axis: 1)", "f32[]", false, inputs), [mean(loss.flat())]);
    expectClose(value("cross_entropy(z, s, axis: 1)", "f32[]", true, inputs), loss.map(mean));
  });

  it("bce (log clamped at −100), bce_logits, mse, mae, huber", () => {
    const p = a.map((v) => 1 / (1 + Math.exp(-v)));
    const bce = p.map((pi, i) => -(y[i]! * Math.max(Math.log(pi), -100) + (1 - y[i]!) * Math.max(Math.log(1 - pi), -100)));
    expectClose(value("bce(sigmoid(a), y)", "f32[]", false, inputs), [mean(bce)]);
    expectClose(value("bce_logits(a, y)", "f32[]", false, inputs), [mean(bce)], 1e-12);
    expectClose(value("bce_logits(a, 1)", "f32[]", false, inputs), [mean(a.map((v) => Math.log(1 + Math.exp(-v))))], 1e-12);
    const d = a.map((v, i) => v - y[i]!);
    expectClose(value("mse(a, y)", "f32[]", false, inputs), [mean(d.map((v) => v * v))]);
    expectClose(value("mae(a, y, reduce: none)", "f32[B]", false, inputs), rows(d.map(Math.abs), 3).map(mean));
    const hub = d.map((v) => (Math.abs(v) < 0.5 ? 0.5 * v * v : 0.5 * (Math.abs(v) - 0.25)));
    expectClose(value("huber(a, y, delta: 0.5)", "f32[]", false, inputs), [mean(hub)]);
    expectClose(value("huber(a, y, delta: 0.5)", "f32[]", true, inputs), rows(hub, 3).map(mean));
  });
});

describe("metrics", () => {
  it("accuracy, with ignore, scalar and per example", () => {
    // argmax rows: [2, 0] against t = [2, 0]; against [1, 0]: [0, 1]
    expect(value("accuracy(a, t)", "f32[]", false, inputs)).toEqual([1]);
    expect(value("accuracy(a, t)", "f32[]", true, { ...inputs, t: [1, 0] })).toEqual([0, 1]);
    expect(value("accuracy(a, t, ignore: 0)", "f32[]", false, { ...inputs, t: [1, 0] })).toEqual([0]);
  });

  it("top_k counts the label among the k highest logits", () => {
    // row 0 = [0.3, -1.2, 2.0]: label 0 is 2nd; row 1 = [0.5, 0.1, -0.7]: label 2 is 3rd
    expect(value("top_k(a, t, k: 2)", "f32[]", true, { ...inputs, t: [0, 2] })).toEqual([1, 0]);
    expect(value("top_k(a, t, k: 3)", "f32[]", false, { ...inputs, t: [0, 2] })).toEqual([1]);
  });

  it("mean_iou over classes present in prediction or labels", () => {
    // predictions per position (axis 1 of z): n0: p0 argmax of [0.5,1.5,-0.2]=1, p1 of [-0.1,0.3,2.2]=2;
    // n1: p0 of [0.9,0,0.7]=0, p1 of [0.4,-1,0.1]=0.  labels s: [1,0],[2,1]
    const pred = [1, 2, 0, 0];
    const lab = s;
    const iou = [0, 1, 2].map((c) => {
      const inter = pred.filter((p, i) => p === c && lab[i] === c).length;
      const union = pred.filter((p, i) => p === c || lab[i] === c).length;
      return union > 0 ? inter / union : NaN;
    }).filter((v) => !Number.isNaN(v));
    expectClose(value("mean_iou(z, s, axis: 1)", "f32[]", false, inputs), [mean(iou)]);
    // Per example (the evaluate step): rows of intersections then unions per class, which the host sums
    // over the dataset before dividing. n0: pred [1, 2] vs [1, 0]; n1: pred [0, 0] vs [2, 1] (class 0 covers both pixels).
    expectClose(value("mean_iou(z, s, axis: 1)", "f32[]", true, inputs), [0, 1, 0, 1, 1, 1, 0, 0, 0, 2, 1, 1]);
  });
});
