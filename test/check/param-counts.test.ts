// Parameter counts of every example model against counts worked out by hand from PyTorch's formulas:
// Linear in*out + out; Conv2d out*in*k*k + out; ConvTranspose2d in*out*k*k + out; BatchNorm 2C;
// LayerNorm 2D; Embedding vocab*dim; RNN H*I + H*H + 2H; LSTM 4H(I + H) + 8H; GRU 3H(I + H) + 6H;
// MultiheadAttention 4D² + 4D; learned positions max*D; class token D.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { elaborate } from "../../compiler/check/index.js";
import { checkExample, checkText, num } from "./helpers.js";

function counts(example: string): Record<string, number | string> {
  const r = checkExample(example);
  expect(r.diagnostics).toEqual([]);
  return Object.fromEntries(r.program.models.map((m) => [m.name, num(m.paramCount)]));
}

describe("parameter counts (PyTorch formulas, by hand)", () => {
  test("mlp", () => {
    expect(counts("mlp")["Mlp"]).toBe(784 * 512 + 512 + 512 * 10 + 10);
  });
  test("fashion mlp and cnn", () => {
    expect(counts("mlp-fashion")["FashionMlp"]).toBe(784 * 512 + 512 + 512 * 10 + 10);
    expect(counts("cnn-fashion")["FashionCnn"]).toBe(32 * 1 * 9 + 32 + (64 * 32 * 9 + 64) + (64 * 7 * 7 * 128 + 128) + (128 * 10 + 10));
  });
  test("cnn", () => {
    expect(counts("cnn")["Cnn"]).toBe(32 * 1 * 9 + 32 + (64 * 32 * 9 + 64) + (64 * 7 * 7 * 128 + 128) + (128 * 10 + 10));
  });
  test("segmentation", () => {
    // every BatchNorm: 2 × channels
    expect(counts("segmentation")["Segmenter"]).toBe(
      (16 * 1 * 9 + 16 + 2 * 16) + (32 * 16 * 9 + 32 + 2 * 32) + (64 * 32 * 9 + 64 + 2 * 64) + 2 * (64 * 64 * 9 + 64 + 2 * 64) +
        (64 * 32 * 2 * 2 + 32) + (32 * 96 * 9 + 32 + 2 * 32) + (16 * 64 * 9 + 16 + 2 * 16) + (16 * 32 + 16 + 2 * 16) + (11 * 16 + 11),
    );
  });
  test("detection", () => {
    expect(counts("detection")["Detector"]).toBe(
      16 * 9 + 16 + 2 * 16 + (32 * 16 * 9 + 32) + 2 * 32 + (64 * 32 * 9 + 64) + 2 * 64 + (64 * 64 * 9 + 64) + 2 * 64 + (64 * 64 * 9 + 64) + (64 + 1) + (4 * 64 + 4) + (10 * 64 + 10),
    );
  });
  test("autoencoder", () => {
    expect(counts("autoencoder")["Autoencoder"]).toBe(784 * 128 + 128 + (128 * 16 + 16) + (16 * 128 + 128) + (128 * 784 + 784));
  });
  test("forecaster", () => {
    expect(counts("forecaster")["Forecaster"]).toBe(3 * 32 * (1 + 32) + 6 * 32 + (32 * 1 + 1));
  });
  test("char-rnn", () => {
    expect(counts("char-rnn")["CharRnn"]).toBe(96 * 64 + (256 * 64 + 256 * 256 + 2 * 256) + (256 * 96 + 96));
  });
  test("char-lstm", () => {
    expect(counts("char-lstm")["CharLstm"]).toBe(96 * 64 + (4 * 128 * (64 + 128) + 8 * 128) + (128 * 96 + 96));
  });
  test("char-gru", () => {
    expect(counts("char-gru")["CharGru"]).toBe(96 * 64 + (3 * 128 * (64 + 128) + 6 * 128) + (128 * 96 + 96));
  });
  test("lstm-fashion (28 rows of 28 pixels)", () => {
    expect(counts("lstm-fashion")["RowLstm"]).toBe(4 * 128 * (28 + 128) + 8 * 128 + (128 * 10 + 10));
  });
  test("seq2seq", () => {
    const lstm = 4 * 128 * (64 + 128) + 8 * 128;
    // two embeddings, two LSTMs, the query and key projections, the gate over [decoded, context, target], the generator
    expect(counts("seq2seq")["Translator"]).toBe(2 * 96 * 64 + 2 * lstm + 2 * (128 * 128 + 128) + (320 * 1 + 1) + (256 * 96 + 96));
  });
  test("seq2seq-attention", () => {
    const lstm = 4 * 128 * (64 + 128) + 8 * 128;
    expect(counts("seq2seq-attention")["Translator"]).toBe(2 * 96 * 64 + 2 * lstm + (4 * 128 * 128 + 4 * 128) + (256 * 96 + 96));
  });
  test("gan", () => {
    const c = counts("gan");
    expect(c["Generator"]).toBe(64 * 256 + 256 + (256 * 784 + 784));
    expect(c["Discriminator"]).toBe(784 * 256 + 256 + (256 * 1 + 1));
  });
  const layer64 = 2 * 64 + (4 * 64 * 64 + 4 * 64) + 2 * 64 + (64 * 256 + 256) + (256 * 64 + 64);
  test("transformer", () => {
    const c = counts("transformer");
    expect(c["CharGpt"]).toBe(96 * 64 + 64 * 64 + 2 * layer64 + 2 * 64 + (64 * 96 + 96));
    expect(c["TransformerLayer"]).toBe("12*d*d + 13*d");
    const r = checkExample("transformer");
    const one = elaborate(r.program, "TransformerLayer", { d: 64, heads: 4 }, { B: 2, T: 8 });
    expect(one.diagnostics).toEqual([]);
    expect(num(one.model?.paramCount)).toBe(layer64);
    expect(layer64).toBe(49984);
  });
  test("vit", () => {
    expect(counts("vit")["Vit"]).toBe(49 * 64 + 64 + 64 + 17 * 64 + 4 * layer64 + 2 * 64 + (64 * 10 + 10));
  });
  test("vit-fashion", () => {
    expect(counts("vit-fashion")["FashionVit"]).toBe(49 * 64 + 64 + 64 + 17 * 64 + 4 * layer64 + 2 * 64 + (64 * 10 + 10));
  });
  test("the brief's numbers agree with the formulas", () => {
    const all = ["mlp", "cnn", "segmentation", "detection", "autoencoder", "forecaster", "char-rnn", "char-lstm", "seq2seq", "gan", "transformer", "vit"].map(counts);
    expect(all.flatMap((c) => Object.values(c))).toEqual([
      407050, 421642, 143611, 98479, 205856, 3393, 113248, 117856, 268961, 218128, 201217, "12*d*d + 13*d", 116576, "12*d*d + 13*d", 205066,
    ]);
  });
});

describe("per-layer counts for random sizes (PyTorch formulas)", () => {
  const count = (input: string, stage: string): number | string => {
    const r = checkText(`model M {\n  input x: ${input}\n  output y: f32[1]\n  y = x |> ${stage}\n}`);
    return num(r.program.models[0]!.paramCount);
  };
  const size = fc.integer({ min: 1, max: 40 });

  test("Dense, Embedding, LayerNorm, BatchNorm", () => {
    fc.assert(
      fc.property(size, size, (i, o) => {
        expect(count(`f32[B, ${i}]`, `Dense(${o})`)).toBe(i * o + o);
        expect(count(`f32[B, ${i}]`, `Dense(${o}, bias: false)`)).toBe(i * o);
        expect(count(`i32[B, T]`, `Embedding(${i}, ${o})`)).toBe(i * o);
        expect(count(`f32[B, T, ${i}]`, `LayerNorm`)).toBe(2 * i);
        expect(count(`f32[B, ${i}, 5, 5]`, `BatchNorm`)).toBe(2 * i);
      }),
      { numRuns: 20 },
    );
  });

  test("convolutions", () => {
    fc.assert(
      fc.property(size, size, fc.integer({ min: 1, max: 5 }), (c, o, k) => {
        expect(count(`f32[B, ${c}, 16, 16]`, `Conv2d(${o}, kernel: ${k})`)).toBe(o * c * k * k + o);
        expect(count(`f32[B, ${c}, 16, 16]`, `Conv2d(${o}, kernel: [${k}, 1])`)).toBe(o * c * k + o);
        expect(count(`f32[B, ${c}, 16]`, `Conv1d(${o}, kernel: ${k})`)).toBe(o * c * k + o);
        expect(count(`f32[B, ${c}, 16, 16]`, `ConvTranspose2d(${o}, kernel: ${k}, stride: 2)`)).toBe(c * o * k * k + o);
      }),
      { numRuns: 20 },
    );
  });

  test("recurrent and attention", () => {
    fc.assert(
      fc.property(size, size, fc.integer({ min: 1, max: 4 }), (i, h, heads) => {
        expect(count(`f32[B, T, ${i}]`, `RNN(${h})`)).toBe(h * i + h * h + 2 * h);
        expect(count(`f32[B, T, ${i}]`, `LSTM(${h})`)).toBe(4 * h * (i + h) + 8 * h);
        expect(count(`f32[B, T, ${i}]`, `GRU(${h})`)).toBe(3 * h * (i + h) + 6 * h);
        const d = heads * i;
        expect(count(`f32[B, T, ${d}]`, `SelfAttention(${heads})`)).toBe(4 * d * d + 4 * d);
        expect(count(`f32[B, T, ${d}]`, `PositionalEmbedding(max: ${h})`)).toBe(h * d);
        expect(count(`f32[B, T, ${d}]`, `PositionalEmbedding(max: ${h}, kind: sinusoidal)`)).toBe(0);
        expect(count(`f32[B, T, ${d}]`, `ClassToken`)).toBe(d);
      }),
      { numRuns: 20 },
    );
  });

  test("cross attention with a context of another width", () => {
    const r = checkText(`model M {
  input q: f32[B, T, 12]
  input c: f32[B, S, 20]
  output y: f32[B, T, 12]
  y = q |> MultiHeadAttention(heads: 3, context: c)
}`);
    expect(r.diagnostics).toEqual([]);
    expect(num(r.program.models[0]!.paramCount)).toBe(12 * 12 + 2 * 12 * 20 + 3 * 12 + 12 * 12 + 12);
  });
});
