// Elaborated graphs: ops in dataflow order, layer paths, PyTorch parameter names and layouts, shared
// weights, repeat expansion, train objectives and their parameter groups.

import { describe, expect, test } from "vitest";
import { elaborate, elaborateTrain } from "../../compiler/check/index.js";
import { concreteShape, formatDim, formatShape } from "../../compiler/check/dims.js";
import type { ElaboratedGraph } from "../../compiler/check/types.js";
import { checkExample, checkText } from "./helpers.js";

const shapes = (g: ElaboratedGraph) => Object.fromEntries(g.params.map((p) => [p.name, concreteShape(p.shape)]));

describe("elaborate", () => {
  test("mlp: ops in order, named and anonymous layers, concrete shapes", () => {
    const r = checkText(`model Mlp {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  hidden = Dense(256)
  logits = image |> flatten |> hidden |> relu |> dropout(0.2) |> Dense(10)
}`);
    const { model, diagnostics } = elaborate(r.program, "Mlp", {}, { B: 64 });
    expect(diagnostics).toEqual([]);
    expect(model!.ops.map((o) => [o.op, o.layer ?? "", formatShape(o.outputs[0]!.shape)])).toEqual([
      ["flatten", "", "[64, 784]"],
      ["Dense", "hidden", "[64, 256]"],
      ["relu", "", "[64, 256]"],
      ["dropout", "", "[64, 256]"],
      ["Dense", "dense_0", "[64, 10]"],
    ]);
    expect(shapes(model!)).toEqual({ "hidden.weight": [256, 784], "hidden.bias": [256], "dense_0.weight": [10, 256], "dense_0.bias": [10] });
    const dense = model!.ops[1]!;
    expect(dense.params).toEqual({ weight: "hidden.weight", bias: "hidden.bias" });
    expect(dense.inputs).toEqual([model!.ops[0]!.outputs[0]!.id]);
    expect(model!.ops[3]!.config).toEqual({ p: 0.2 });
    expect(model!.inputs.map((i) => [i.name, formatShape(i.shape)])).toEqual([["image", "[64, 28, 28]"]]);
    expect(model!.outputs.map((o) => [o.name, o.id])).toEqual([["logits", model!.ops[4]!.outputs[0]!.id]]);
  });

  test("a named layer applied twice shares one set of parameters", () => {
    const r = checkText(`model M {
  input  a: f32[B, 8]
  input  b: f32[B, 8]
  output y: f32[B, 4]
  fc = Dense(4)
  y = fc(a) + (b |> fc)
}`);
    expect(r.diagnostics).toEqual([]);
    const g = r.program.models[0]!.graph;
    expect(g.params.map((p) => p.name)).toEqual(["fc.weight", "fc.bias"]);
    expect(g.ops.filter((o) => o.layer === "fc")).toHaveLength(2);
    expect(r.program.models[0]!.paramCount).toEqual({ terms: [{ coef: 36, atoms: [] }] });
  });

  test("repeat expands copies with their own weights; nested models inline under the path", () => {
    const r = checkExample("transformer");
    const { model } = elaborate(r.program, "CharGpt", {}, { B: 2, T: 16 });
    const layers = model!.layers.map((l) => l.path);
    expect(layers).toContain("transformer_layer_0.0.self_attention_0");
    expect(layers).toContain("transformer_layer_0.1.dense_1");
    const s = shapes(model!);
    expect(s["transformer_layer_0.1.self_attention_0.in_proj_weight"]).toEqual([192, 64]);
    expect(s["transformer_layer_0.1.self_attention_0.out_proj.weight"]).toEqual([64, 64]);
    expect(s["transformer_layer_0.0.dense_0.weight"]).toEqual([256, 64]);
    expect(s["positional_embedding_0.weight"]).toEqual([64, 64]);
    const attn = model!.ops.filter((o) => o.op === "SelfAttention");
    expect(attn.map((o) => o.config)).toEqual([
      { heads: 4, causal: true },
      { heads: 4, causal: true },
    ]);
    expect(formatShape(model!.outputs[0]!.shape)).toBe("[2, 16, 96]");
  });

  test("PyTorch layouts: conv, transposed conv, LSTM, cross attention", () => {
    const seg = elaborate(checkExample("segmentation").program, "Segmenter", {}, { B: 1 }).model!;
    expect(shapes(seg)["conv2d_0.weight"]).toEqual([16, 1, 3, 3]);
    expect(shapes(seg)["conv_transpose2d_0.weight"]).toEqual([64, 32, 2, 2]);
    const tr = elaborate(checkExample("seq2seq-attention").program, "Translator", {}, { B: 1, S: 5, T: 7 }).model!;
    const s = shapes(tr);
    expect(s["lstm_0.weight_ih"]).toEqual([512, 64]);
    expect(s["lstm_0.weight_hh"]).toEqual([512, 128]);
    expect(s["multi_head_attention_0.k_proj_weight"]).toEqual([128, 128]);
    const lstm2 = tr.ops.filter((o) => o.op === "LSTM")[1]!;
    expect(lstm2.inputRoles).toEqual(["x", "initial.0", "initial.1"]);
    expect(formatShape(tr.outputs[0]!.shape)).toBe("[1, 7, 96]");
  });

  test("BatchNorm running statistics are buffers, not counted", () => {
    const det = checkExample("detection").program.models[0]!;
    const bn = det.layers.find((l) => l.kind === "BatchNorm")!;
    expect(bn.params.map((p) => [p.role, p.buffer === true])).toEqual([
      ["weight", false],
      ["bias", false],
      ["running_mean", true],
      ["running_var", true],
    ]);
    expect(bn.count).toEqual({ terms: [{ coef: 32, atoms: [] }] });
  });

  test("missing or unknown model params are reported", () => {
    const r = checkExample("transformer");
    expect(elaborate(r.program, "TransformerLayer", { d: 64 }).diagnostics.map((d) => d.message)).toEqual([
      "TransformerLayer needs a value for param 'heads'",
    ]);
    expect(elaborate(r.program, "TransformerLayer", { d: 64, heads: 4, dim: 3 }).diagnostics.map((d) => d.message)).toEqual([
      "TransformerLayer has no param 'dim'",
    ]);
    expect(elaborate(r.program, "Nope").model).toBeUndefined();
  });
});

describe("train blocks", () => {
  test("single form: dims by unification, one objective over the model", () => {
    const r = checkExample("char-lstm");
    const t = r.program.trains[0]!;
    expect(Object.fromEntries(Object.entries(t.dims).map(([k, v]) => [k, concreteShape([v])![0]]))).toEqual({ B: 32, T: 64 });
    expect(t.form).toBe("single");
    expect(t.objectives).toHaveLength(1);
    expect(t.objectives[0]!.over).toEqual(["CharLstm"]);
    expect(t.objectives[0]!.params).toHaveLength(1 + 4 + 2);
    expect(t.objectives[0]!.optimizer).toMatchObject({ name: "adam", config: { lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 } });
    expect(t.schedule).toMatchObject({ name: "cosine", config: { warmup: 200 } });
    expect(t.validate).toEqual({ every: 1 });
    expect(t.clip).toBe(1);
    expect(t.metrics.map((m) => m.name)).toEqual(["bits_per_char"]);
    const loss = t.graph.ops.find((o) => o.outputs[0]!.id === t.loss)!;
    expect(loss.op).toBe("cross_entropy");
    expect(t.graph.inputs.map((i) => `${i.name}${formatShape(i.shape)}`)).toEqual(["tokens[32, 64]", "targets[32, 64]"]);
  });

  test("step form: instances, shared discriminator, parameter groups per minimize", () => {
    const r = checkExample("gan");
    const t = r.program.trains[0]!;
    expect(t.form).toBe("step");
    expect(t.models.map((m) => [m.name, m.model, m.prefix])).toEqual([
      ["g", "Generator", "g."],
      ["d", "Discriminator", "d."],
    ]);
    expect(t.objectives.map((o) => [o.over, o.params])).toEqual([
      [["d"], ["d.dense_0.weight", "d.dense_0.bias", "d.dense_1.weight", "d.dense_1.bias"]],
      [["g"], ["g.dense_0.weight", "g.dense_0.bias", "g.dense_1.weight", "g.dense_1.bias"]],
    ]);
    expect(t.graph.ops.filter((o) => o.layer === "d.dense_0")).toHaveLength(3);
    expect(t.graph.params).toHaveLength(8);
    const normal = t.graph.ops.find((o) => o.op === "normal")!;
    expect(normal.config).toEqual({ shape: [64, 64], mean: 0, std: 1 });
    expect(t.objectives[1]!.optimizer.config).toMatchObject({ lr: 2e-4, beta1: 0.5 });
  });

  test("elaborateTrain re-runs a block with another batch size", () => {
    const r = checkExample("cnn");
    const { train, diagnostics } = elaborateTrain(r.program, 0, { batch: 7 });
    expect(diagnostics).toEqual([]);
    expect(formatShape(train!.graph.inputs[0]!.shape)).toBe("[7, 1, 28, 28]");
    expect(train!.validate).toEqual({ every: 1, earlyStop: { patience: 3, monitor: "loss", mode: "min" } });
  });

  test("data schemas and parts", () => {
    const r = checkExample("detection");
    const d = r.program.data[0]!;
    expect(d.fields.map((f) => `${f.name}: ${f.dtype}${formatShape(f.shape)}`)).toEqual([
      "image: f32[1, 64, 64]",
      "mask: i32[64, 64]",
      "has_object: f32[1, 8, 8]",
      "box_target: f32[4, 8, 8]",
      "class_target: i32[8, 8]",
    ]);
    expect(d.parts).toEqual(["train", "test"]);
    const ae = checkExample("autoencoder").program.data[0]!;
    expect(ae.fields.map((f) => `${f.name}${formatShape(f.shape)}`)).toEqual(["image[28, 28]", "label[]", "x[784]"]);
    const map = ae.steps.find((s) => s.op === "map")!;
    expect(map.map!.ops.map((o) => o.op)).toEqual(["reshape"]);
    expect(map.map!.outputs.map((o) => o.name)).toEqual(["x"]);
  });

  test("generate: defaults and vocabulary", () => {
    const g = checkExample("char-rnn").program.generates[0]!;
    expect(g).toMatchObject({ model: "CharRnn", prompt: "The whale ", steps: 200, temperature: 0.8, topK: 0, ok: true });
    expect(g.vocab).toEqual({ terms: [{ coef: 96, atoms: [] }] });
  });
});

describe("repeat with a symbolic count", () => {
  test("one copy is checked and counted n times; elaboration expands it", () => {
    const r = checkText(`model Stack(n: int, d: int = 8) {
  input  x: f32[B, d]
  output y: f32[B, d]
  y = x |> repeat n Dense(d)
}`);
    expect(r.diagnostics).toEqual([]);
    expect(formatDim(r.program.models[0]!.paramCount)).toBe("72*n");
    const { model } = elaborate(r.program, "Stack", { n: 3 }, { B: 2 });
    expect(model!.layers.map((l) => l.path)).toEqual(["dense_0.0", "dense_0.1", "dense_0.2"]);
    expect(formatDim(model!.paramCount)).toBe("216");
  });
});

test("a single-form train graph lists the model outputs", () => {
  const t = checkExample("detection").program.trains[0]!;
  expect(t.graph.outputs.map((o) => `${o.name}${formatShape(o.shape)}`)).toEqual(["objectness[16, 1, 8, 8]", "boxes[16, 4, 8, 8]", "classes[16, 10, 8, 8]"]);
  expect(t.inputFields).toEqual({ image: "image" });
});

test("train and generate take model params, by name or position", () => {
  const r = checkText(`model Lm(vocab: int, causal: bool = false) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]
  logits = tokens |> Embedding(vocab, 16) |> SelfAttention(2, causal: causal) |> Dense(vocab)
}
data Text = moby_dick() |> chars(context: 32, vocab: 50)
train Lm(50, causal: true) on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-3)
}
generate Lm(vocab: 50) { prompt "a" }`);
  expect(r.diagnostics).toEqual([]);
  const t = r.program.trains[0]!;
  expect(t.models[0]!.args).toEqual({ vocab: 50, causal: true });
  expect(t.graph.ops.find((o) => o.op === "SelfAttention")!.config).toEqual({ heads: 2, causal: true });
  expect(formatShape(t.graph.outputs[0]!.shape)).toBe("[32, 32, 50]");
  expect(r.program.generates[0]!.vocab).toEqual({ terms: [{ coef: 50, atoms: [] }] });
});
