// Hand-built ModelPrograms for the emitter tests (independent of lowering): a small MLP with dropout and
// SGD, and a small CNN (conv, bias, relu, max pool, flatten, dense) with Adam. Forward graphs are built
// with the IR Builder; the backward comes from compiler/autodiff `differentiate`; optimizer updates and
// host scalars follow the contract of compiler/program/types.ts.

import type { Span } from "../../grammar/source.js";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { Builder } from "../../compiler/ir/builder.js";
import type { NodeId, ParamInit } from "../../compiler/ir/graph.js";
import type { CompiledProgram, HostScalar, ModelProgram, StateTensor, StepGraph, TensorSpec } from "../../compiler/program/types.js";

export const MLP_SOURCE = `// a tiny perceptron
model Mlp {
  input  x: f32[B, 12]
  output logits: f32[B, 3]
  hidden = Dense(16)
  logits = x |> hidden |> relu |> dropout(0.25) |> Dense(3)
}
`;

export const CNN_SOURCE = `model Cnn {
  input  image: f32[B, 1, 6, 6]
  output logits: f32[B, 3]
  logits = image
    |> Conv2d(4, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> flatten |> Dense(3)
}
`;

const span = (file: string, line: number): Span => ({ file, start: { offset: 0, line, column: 1 }, end: { offset: 0, line, column: 2 } });

interface Layer {
  name: string;
  shape: number[];
  init: ParamInit;
  layer: string;
  line: number;
}

/** Forward of one model as a function of a builder; returns logits and the param nodes. */
type Forward = (b: Builder, x: NodeId, mode: "eval" | "train", file: string) => NodeId;

/** Cross-entropy rows and accuracy rows for logits [B, C] and labels [B]. */
function perExample(b: Builder, logits: NodeId, label: NodeId): { loss: NodeId; acc: NodeId } {
  const logp = b.logSoftmax(logits, -1);
  const picked = b.takeAlongAxis(logp, label, -1);
  const loss = b.neg(picked);
  const acc = b.binary("equal", b.argmax(logits, -1), label);
  return { loss, acc };
}

function addParams(b: Builder, layers: Layer[], file: string): Map<string, NodeId> {
  const m = new Map<string, NodeId>();
  for (const l of layers) m.set(l.name, b.at(span(file, l.line), () => b.param(l.name, l.shape, l.init)));
  return m;
}

interface ModelDef {
  name: string;
  file: string;
  batch: number;
  input: TensorSpec;
  classes: number;
  layers: Layer[];
  forward: (b: Builder, x: NodeId, p: Map<string, NodeId>, mode: "eval" | "train") => NodeId;
  optimizer: "sgd" | "adam";
  lr: number;
}

function build(def: ModelDef): ModelProgram {
  const B = def.batch;
  const state: StateTensor[] = def.layers.map((l) => ({ name: l.name, dtype: "f32", shape: l.shape, role: "param", init: l.init, layer: l.layer }));
  const label: TensorSpec = { name: "label", dtype: "i32", shape: [B] };

  // predict
  const pb = new Builder();
  const px = pb.input(def.input.name, def.input.shape);
  const pp = addParams(pb, def.layers, def.file);
  pb.output("logits", def.forward(pb, px, pp, "eval"));
  const predict: StepGraph = { graph: pb.graph, updates: [], hostScalars: [] };

  // evaluate: per-example loss and accuracy
  const eb = new Builder();
  const ex = eb.input(def.input.name, def.input.shape);
  const ey = eb.input("label", [B], "i32");
  const ep = addParams(eb, def.layers, def.file);
  const e = perExample(eb, def.forward(eb, ex, ep, "eval"), ey);
  eb.output("loss", e.loss);
  eb.output("accuracy", e.acc);
  const evaluate: StepGraph = { graph: eb.graph, updates: [], hostScalars: [] };

  // train
  const tb = new Builder();
  const tx = tb.input(def.input.name, def.input.shape);
  const ty = tb.input("label", [B], "i32");
  const tp = addParams(tb, def.layers, def.file);
  const t = perExample(tb, def.forward(tb, tx, tp, "train"), ty);
  const loss = tb.mean(t.loss);
  const acc = tb.mean(t.acc);
  tb.output("loss", loss);
  tb.output("accuracy", acc);
  const wrt = def.layers.map((l) => tp.get(l.name)!);
  const d = differentiate(tb.graph, { loss, wrt });
  const b = new Builder(d.graph);
  const lr = b.input("lr", []);
  const hostScalars: HostScalar[] = [{ kind: "lr", name: "lr", objective: 0 }];
  const updates: StepGraph["updates"] = [];
  let bc1: NodeId | undefined;
  let bc2: NodeId | undefined;
  if (def.optimizer === "adam") {
    bc1 = b.input("bias_correction1", []);
    bc2 = b.input("bias_correction2", []);
    hostScalars.push({ kind: "bias_correction", name: "bias_correction1", objective: 0, beta: 0.9 });
    hostScalars.push({ kind: "bias_correction", name: "bias_correction2", objective: 0, beta: 0.999 });
  }
  for (const l of def.layers) {
    const w = tp.get(l.name)!;
    const g = d.gradOf.get(w)!;
    b.at(span(def.file, l.line), () => {
      if (def.optimizer === "sgd") {
        updates.push({ state: l.name, node: b.sub(w, b.mul(lr, g)) });
        return;
      }
      const m = b.param(`${l.name}.m`, l.shape);
      const v = b.param(`${l.name}.v`, l.shape);
      const m2 = b.add(b.scale(m, 0.9), b.scale(g, 0.1));
      const v2 = b.add(b.scale(v, 0.999), b.scale(b.unary("square", g), 0.001));
      const mhat = b.div(m2, bc1!);
      const vhat = b.div(v2, bc2!);
      const w2 = b.sub(w, b.mul(lr, b.div(mhat, b.add(b.unary("sqrt", vhat), b.scalar(1e-8)))));
      updates.push({ state: `${l.name}.m`, node: m2 }, { state: `${l.name}.v`, node: v2 }, { state: l.name, node: w2 });
      for (const sfx of ["m", "v"]) state.push({ name: `${l.name}.${sfx}`, dtype: "f32", shape: l.shape, role: "optimizer", init: { kind: "zeros" } });
    });
  }
  if (def.forward.toString().includes("randomUniform")) hostScalars.push({ kind: "step", name: "step" });
  const train: StepGraph = { graph: b.graph, updates, hostScalars };

  return {
    name: def.name,
    batch: B,
    inputs: [def.input],
    outputs: [{ name: "logits", dtype: "f32", shape: [B, def.classes] }],
    fields: [def.input, label],
    state,
    predict,
    evaluate,
    train,
    training: {
      data: "Data",
      batch: B,
      epochs: 3,
      seed: 42,
      schedule: { kind: "constant", config: {} },
      objectives: [{ over: [def.name], params: def.layers.map((l) => l.name), optimizer: { kind: def.optimizer, lr: def.lr, config: {} } }],
      metrics: ["accuracy"],
      validate: { every: 1, earlyStop: { patience: 2, monitor: "loss", mode: "min" } },
    },
  };
}

export function mlpProgram(batch = 8, dropout = true): ModelProgram {
  const file = "mlp.dlm";
  const lim1 = Math.sqrt(6 / 12);
  const lim2 = Math.sqrt(6 / 16);
  return build({
    name: "Mlp",
    file,
    batch,
    input: { name: "x", dtype: "f32", shape: [batch, 12] },
    classes: 3,
    layers: [
      { name: "hidden.weight", shape: [12, 16], init: { kind: "uniform", low: -lim1, high: lim1 }, layer: "hidden", line: 5 },
      { name: "hidden.bias", shape: [16], init: { kind: "zeros" }, layer: "hidden", line: 5 },
      { name: "dense.weight", shape: [16, 3], init: { kind: "uniform", low: -lim2, high: lim2 }, layer: "dense", line: 6 },
      { name: "dense.bias", shape: [3], init: { kind: "zeros" }, layer: "dense", line: 6 },
    ],
    forward: (b, x, p, mode) => {
      const h = b.at(span(file, 5), () => {
        const mm = b.matmul(x, p.get("hidden.weight")!);
        b.graph.nodes[mm]!.name = "hidden";
        return b.add(mm, p.get("hidden.bias")!);
      });
      return b.at(span(file, 6), () => {
        let a = b.unary("relu", h);
        if (mode === "train" && dropout) {
          const step = b.graph.inputs.find((i) => i.name === "step")?.node ?? b.input("step", [], "i32");
          const u = b.randomUniform(step, [batch, 16], 1);
          const keep = b.binary("greater", u, b.scalar(0.25));
          a = b.scale(b.mul(a, keep), 1 / 0.75);
        }
        const out = b.add(b.matmul(a, p.get("dense.weight")!), p.get("dense.bias")!);
        b.graph.nodes[out]!.name = "logits";
        return out;
      });
    },
    optimizer: "sgd",
    lr: 0.1,
  });
}

export function cnnProgram(batch = 4): ModelProgram {
  const file = "cnn.dlm";
  return build({
    name: "Cnn",
    file,
    batch,
    input: { name: "image", dtype: "f32", shape: [batch, 1, 6, 6] },
    classes: 3,
    layers: [
      { name: "conv.weight", shape: [4, 1, 3, 3], init: { kind: "uniform", low: -0.5, high: 0.5 }, layer: "conv", line: 5 },
      { name: "conv.bias", shape: [4, 1, 1], init: { kind: "zeros" }, layer: "conv", line: 5 },
      { name: "dense.weight", shape: [36, 3], init: { kind: "uniform", low: -0.3, high: 0.3 }, layer: "dense", line: 6 },
      { name: "dense.bias", shape: [3], init: { kind: "zeros" }, layer: "dense", line: 6 },
    ],
    forward: (b, x, p) => {
      const pooled = b.at(span(file, 5), () => {
        const c = b.conv2d(x, p.get("conv.weight")!, { pad: 1 });
        b.graph.nodes[c]!.name = "conv";
        return b.maxPool2d(b.unary("relu", b.add(c, p.get("conv.bias")!)), 2);
      });
      return b.at(span(file, 6), () => {
        const flat = b.reshape(pooled, [batch, 36]);
        return b.add(b.matmul(flat, p.get("dense.weight")!), p.get("dense.bias")!);
      });
    },
    optimizer: "adam",
    lr: 0.01,
  });
}

export function compiledOf(model: ModelProgram, file: string): CompiledProgram {
  return { file, models: [model] };
}
