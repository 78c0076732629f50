// Parameter initialisation follows PyTorch's defaults layer by layer (bounds computed here by hand from
// the shapes, independently of init.ts).

import { describe, expect, it } from "vitest";
import type { ParamInit } from "../../compiler/ir/graph.js";
import { modelGraph } from "./helpers.js";

function inits(src: string, name: string, dims: Record<string, number> = { B: 2 }): Record<string, ParamInit> {
  const g = modelGraph(src, name, dims);
  return Object.fromEntries(g.params.map((p) => [p.name, p.init]));
}


function expectUniform(init: ParamInit | undefined, bound: number): void {
  expect(init?.kind).toBe("uniform");
  if (init?.kind !== "uniform") return;
  expect(init.low).toBeCloseTo(-bound, 14);
  expect(init.high).toBeCloseTo(bound, 14);
}

describe("PyTorch default initialisation", () => {
  it("Dense: weight and bias U(±1/√in)", () => {
    const i = inits(`model M { input x: f32[B, 20]  output y: f32[B, 7]  y = x |> Dense(7) }`, "M");
    expectUniform(i["dense_0.weight"], 1 / Math.sqrt(20));
    expectUniform(i["dense_0.bias"], 1 / Math.sqrt(20));
  });

  it("Conv2d: fan_in = in_channels · kh · kw; Conv1d likewise", () => {
    const i = inits(`model M { input x: f32[B, 3, 9, 9]  output y: f32[B, 5, 7, 5]  y = x |> Conv2d(5, kernel: [3, 5]) }`, "M");
    expectUniform(i["conv2d_0.weight"], 1 / Math.sqrt(3 * 3 * 5));
    expectUniform(i["conv2d_0.bias"], 1 / Math.sqrt(3 * 3 * 5));
    const j = inits(`model M { input x: f32[B, 4, 9]  output y: f32[B, 2, 7]  y = x |> Conv1d(2, kernel: 3) }`, "M");
    expectUniform(j["conv1d_0.weight"], 1 / Math.sqrt(4 * 3));
  });

  it("ConvTranspose2d: fan_in from weight dim 1 (out · kh · kw), as torch computes it", () => {
    const i = inits(`model M { input x: f32[B, 6, 4, 4]  output y: f32[B, 3, 8, 8]  y = x |> ConvTranspose2d(3, kernel: 2, stride: 2) }`, "M");
    expectUniform(i["conv_transpose2d_0.weight"], 1 / Math.sqrt(3 * 2 * 2));
    expectUniform(i["conv_transpose2d_0.bias"], 1 / Math.sqrt(3 * 2 * 2));
  });

  it("Embedding N(0, 1)", () => {
    const i = inits(`model M { input ids: i32[B, 4]  output y: f32[B, 4, 3]  y = ids |> Embedding(10, 3) }`, "M");
    expect(i["embedding_0.weight"]).toEqual({ kind: "normal", mean: 0, std: 1 });
  });

  it("RNN, LSTM, GRU: every tensor U(±1/√H)", () => {
    for (const kind of ["RNN", "LSTM", "GRU"]) {
      const i = inits(`model M { input x: f32[B, 3, 5]  output y: f32[B, 3, 16]  y = x |> ${kind}(16) }`, "M");
      for (const role of ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]) expectUniform(i[`${kind.toLowerCase()}_0.${role}`], 1 / 4);
    }
  });

  it("LayerNorm and BatchNorm: ones, zeros; running mean zeros, running var ones", () => {
    const i = inits(`model M { input x: f32[B, 4, 3]  output y: f32[B, 4, 3]  y = x |> LayerNorm |> BatchNorm }`, "M");
    expect(i["layer_norm_0.weight"]).toEqual({ kind: "ones" });
    expect(i["layer_norm_0.bias"]).toEqual({ kind: "zeros" });
    expect(i["batch_norm_0.weight"]).toEqual({ kind: "ones" });
    expect(i["batch_norm_0.bias"]).toEqual({ kind: "zeros" });
    expect(i["batch_norm_0.running_mean"]).toEqual({ kind: "zeros" });
    expect(i["batch_norm_0.running_var"]).toEqual({ kind: "ones" });
  });

  it("attention: in_proj xavier_uniform, in_proj_bias zeros, out_proj like Linear with zero bias", () => {
    const D = 8;
    const i = inits(`model M { input x: f32[B, 3, ${D}]  output y: f32[B, 3, ${D}]  y = x |> SelfAttention(2) }`, "M");
    expectUniform(i["self_attention_0.in_proj_weight"], Math.sqrt(6 / (D + 3 * D)));
    expect(i["self_attention_0.in_proj_bias"]).toEqual({ kind: "zeros" });
    expectUniform(i["self_attention_0.out_proj.weight"], 1 / Math.sqrt(D));
    expect(i["self_attention_0.out_proj.bias"]).toEqual({ kind: "zeros" });
  });

  it("MultiHeadAttention with a context: q/k/v projections xavier_uniform with their own fans", () => {
    const src = `model M { input x: f32[B, 3, 8]  input c: f32[B, 5, 6]  output y: f32[B, 3, 8]  y = x |> MultiHeadAttention(2, context: c) }`;
    const i = inits(src, "M");
    expectUniform(i["multi_head_attention_0.q_proj_weight"], Math.sqrt(6 / (8 + 8)));
    expectUniform(i["multi_head_attention_0.k_proj_weight"], Math.sqrt(6 / (6 + 8)));
    expect(i["multi_head_attention_0.in_proj_bias"]).toEqual({ kind: "zeros" });
  });

  it("learned positional embedding and class token: N(0, 0.02) (our choice)", () => {
    const i = inits(`model M { input x: f32[B, 3, 4]  output y: f32[B, 4, 4]  y = x |> PositionalEmbedding(max: 8) |> ClassToken }`, "M");
    expect(i["positional_embedding_0.weight"]).toEqual({ kind: "normal", mean: 0, std: 0.02 });
    expect(i["class_token_0.token"]).toEqual({ kind: "normal", mean: 0, std: 0.02 });
  });

});
