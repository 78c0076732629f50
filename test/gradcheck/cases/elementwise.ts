// Gradcheck cases for elementwise ops: every unary op on an odd-sized tensor, every binary op with equal
// shapes and with broadcasting on either side (rank-extending and size-1 dims), select, and pow variants.

import type { GradCase, InputSpec } from "../harness.js";
import type { BinaryOp, UnaryOp } from "../../../compiler/ir/builder.js";

const x35: InputSpec = { shape: [3, 5] };

function unary(op: UnaryOp, draw: InputSpec["draw"] = "signed"): GradCase {
  return { name: `${op} [3,5]`, op, inputs: { x: { ...x35, draw } }, build: (b, { x }) => b.unary(op, x!) };
}

function binary(op: BinaryOp, a: number[], c: number[], draw: InputSpec["draw"] = "signed", drawB = draw): GradCase {
  return {
    name: `${op} [${a}] ⊙ [${c}]`, op,
    inputs: { a: { shape: a, draw }, b: { shape: c, draw: drawB } },
    build: (b, x) => b.binary(op, x.a!, x.b!),
  };
}

export const elementwiseCases: GradCase[] = [
  unary("neg"),
  unary("exp"),
  unary("log", "positive"),
  unary("sqrt", "positive"),
  unary("rsqrt", "positive"),
  unary("abs", "away"),
  unary("square"),
  unary("tanh"),
  unary("sigmoid"),
  unary("relu", "away"),
  unary("erf"),
  { ...unary("erf"), name: "erf wide range", inputs: { x: { shape: [7], values: [-3.5, -2.2, -0.7, 0.01, 0.9, 2.6, 4.1] } } },
  unary("gelu"),
  { ...unary("gelu"), name: "gelu wide range", inputs: { x: { shape: [6], values: [-4, -1.7, -0.3, 0.4, 1.9, 3.7] } } },
  unary("silu"),
  { name: "leaky_relu alpha 0.01", op: "leaky_relu", inputs: { x: { ...x35, draw: "away" } }, build: (b, { x }) => b.leakyRelu(x!, 0.01) },
  { name: "leaky_relu alpha 0.3", op: "leaky_relu", inputs: { x: { shape: [2, 2, 3], draw: "away" } }, build: (b, { x }) => b.leakyRelu(x!, 0.3) },
  { name: "pow 3", op: "pow", inputs: { x: x35 }, build: (b, { x }) => b.pow(x!, 3) },
  { name: "pow -1.5", op: "pow", inputs: { x: { ...x35, draw: "positive" } }, build: (b, { x }) => b.pow(x!, -1.5) },
  { name: "pow 0.5", op: "pow", inputs: { x: { shape: [4], draw: "positive" } }, build: (b, { x }) => b.pow(x!, 0.5) },

  binary("add", [3, 5], [3, 5]),
  binary("add", [2, 3, 4], [4]),
  binary("add", [3, 1], [1, 5]),
  binary("sub", [3, 5], [3, 5]),
  binary("sub", [3], [2, 3]),
  binary("mul", [2, 3], [2, 3]),
  binary("mul", [2, 1, 4], [3, 1]),
  binary("div", [3, 5], [3, 5], "signed", "positive"),
  binary("div", [2, 3], [3], "signed", "away"),
  binary("div", [3], [2, 3], "signed", "positive"),
  binary("maximum", [3, 5], [3, 5]),
  binary("maximum", [2, 3], [3]),
  binary("minimum", [3, 5], [3, 5]),
  binary("minimum", [4, 1], [1, 3]),
  {
    name: "add same input twice (accumulation)", op: "add", inputs: { x: x35 },
    build: (b, { x }) => b.add(b.mul(x!, x!), x!),
  },
  {
    name: "select with broadcasting", op: "select",
    inputs: { c: { shape: [3, 1], values: [1, 0, 1], constant: true }, a: { shape: [3, 4] }, b: { shape: [4] } },
    build: (b, x) => b.select(x.c!, x.a!, x.b!),
  },
];
