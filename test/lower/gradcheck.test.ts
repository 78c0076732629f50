// Lowered layers compose with autodiff: for small models, d(Σ y·R)/dθ from differentiate() equals central
// differences of the same lowered graph (R a fixed random tensor), for every parameter and f32 input.

import { describe, expect, it } from "vitest";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { elaborate } from "../../compiler/check/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph } from "../../compiler/ir/graph.js";
import { evaluate } from "../../compiler/ir/reference.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerGraph, type Mode } from "../../compiler/lower/index.js";
import { checkSource, randomArray, seeded } from "./helpers.js";

function gradcheck(body: string, inputs: string, outType: string, mode: Mode = "train"): void {
  const src = `model M {\n${inputs}\n output y: ${outType}\n y = ${body}\n}`;
  const el = elaborate(checkSource(src), "M", {}, { B: 2 }).model!;
  const b = new Builder(emptyGraph());
  const res = lowerGraph(el, mode, b);
  expect(res.diagnostics).toEqual([]);
  const y = res.values.get(el.outputs[0]!.id)!;
  const rand = seeded(77);
  const weights = b.const(randomArray(b.shape(y).reduce((p, d) => p * d, 1), () => rand()), b.shape(y));
  const loss = b.sum(b.mul(y, weights));
  // Running statistics are buffers: the loss does not depend on them in train mode.
  const sources = [...b.graph.params.filter((p) => !/running_(mean|var)$/.test(p.name)).map((p) => ({ name: p.name, node: p.node, kind: "param" as const })),
    ...b.graph.inputs.filter((i) => b.graph.nodes[i.node]!.dtype === "f32").map((i) => ({ name: i.name, node: i.node, kind: "input" as const }))];
  const d = differentiate(b.graph, { loss, wrt: sources.map((s) => s.node) });
  expect(verify(d.graph)).toEqual([]);
  const values: Record<string, Record<string, number[]>> = { param: {}, input: {} };
  for (const s of [...sources, ...b.graph.params.map((p) => ({ name: p.name, node: p.node, kind: "param" as const })), ...b.graph.inputs.map((i) => ({ name: i.name, node: i.node, kind: "input" as const }))]) {
    const n = d.graph.nodes[s.node]!;
    const size = n.shape.reduce((p, q) => p * q, 1);
    values[s.kind]![s.name] ??= n.dtype === "i32" ? randomArray(size, () => Math.floor(rand(0, 3))) : randomArray(size, () => rand(-1, 1));
  }
  const at = (kind: "param" | "input", name: string, i: number, h: number) => {
    const v = { ...values[kind]!, [name]: values[kind]![name]!.map((x, k) => (k === i ? x + h : x)) };
    const vals = kind === "param" ? evaluate(d.graph, values["input"]!, v, [loss]) : evaluate(d.graph, v, values["param"]!, [loss]);
    return vals[loss]!.data[0]!;
  };
  const grads = evaluate(d.graph, values["input"]!, values["param"]!, [...d.gradOf.values()]);
  const r = seeded(5);
  for (const s of sources) {
    const g = d.gradOf.get(s.node);
    expect(g, `no gradient for ${s.name}`).toBeDefined();
    const n = values[s.kind]![s.name]!.length;
    for (let t = 0; t < 4; t++) {
      const i = Math.floor(r(0, 1) * n);
      const fd = (at(s.kind, s.name, i, 1e-6) - at(s.kind, s.name, i, -1e-6)) / 2e-6;
      const got = grads[g!]!.data[i]!;
      expect(Math.abs(got - fd), `${s.name}[${i}]: ${got} vs ${fd}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
    }
  }
}

describe("gradients through lowered layers", () => {
  it("LSTM", () => gradcheck("x |> LSTM(3)", "input x: f32[B, 3, 2]", "f32[B, 3, 3]"));
  it("GRU with return_sequences: false", () => gradcheck("x |> GRU(3, return_sequences: false)", "input x: f32[B, 3, 2]", "f32[B, 3]"));
  it("RNN", () => gradcheck("x |> RNN(2)", "input x: f32[B, 2, 2]", "f32[B, 2, 2]"));
  it("causal SelfAttention", () => gradcheck("x |> SelfAttention(2, causal: true)", "input x: f32[B, 3, 4]", "f32[B, 3, 4]"));
  it("MultiHeadAttention over a context", () => gradcheck("x |> MultiHeadAttention(2, context: c)", "input x: f32[B, 2, 4]\n input c: f32[B, 3, 2]", "f32[B, 2, 4]"));
  it("a copy distribution: attention with a padding mask, its weights times one_hot(ids)", () =>
    gradcheck(
      "matmul(softmax(matmul(x |> MultiHeadAttention(2, context: c, mask: padding_mask(ids)), transpose(c |> Dense(4), 1, 2)) + (padding_mask(ids) |> reshape([B, 1, 3]))), one_hot(ids, 3))",
      "input x: f32[B, 2, 4]\n input c: f32[B, 3, 2]\n input ids: i32[B, 3]",
      "f32[B, 2, 3]",
    ));
  it("LayerNorm and BatchNorm (train mode)", () => gradcheck("x |> LayerNorm |> BatchNorm", "input x: f32[B, 3, 4]", "f32[B, 3, 4]"));
  it("Conv2d with an even kernel and pad: same, bilinear upsample", () =>
    gradcheck("x |> Conv2d(2, kernel: 2, pad: same) |> upsample(2, mode: bilinear)", "input x: f32[B, 1, 3, 3]", "f32[B, 2, 6, 6]"));
  it("ConvTranspose2d with output_pad", () =>
    gradcheck("x |> ConvTranspose2d(2, kernel: 3, stride: 2, pad: 1, output_pad: 1)", "input x: f32[B, 2, 2, 2]", "f32[B, 2, 4, 4]"));
  it("patches, ClassToken, learned PositionalEmbedding", () =>
    gradcheck("patches(x, 2) |> Dense(4) |> ClassToken |> PositionalEmbedding(max: 8)", "input x: f32[B, 1, 4, 4]", "f32[B, 5, 4]"));
  it("Embedding into Conv1d", () =>
    gradcheck("ids |> Embedding(3, 2) |> permute([0, 2, 1]) |> Conv1d(2, kernel: 3, pad: same)", "input ids: i32[B, 4]", "f32[B, 2, 4]"));
});
