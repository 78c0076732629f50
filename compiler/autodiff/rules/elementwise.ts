// Gradient rules of elementwise ops. Binary ops broadcast, so each input's gradient is summed back to that
// input's shape. At kinks the rules pick one side: relu′(0) = 0, |x|′(0) = 0 (via sign), and maximum /
// minimum send the whole gradient to the first input on ties (the reference's gradcheck avoids ties).

import type { RuleTable } from "../rule.js";
import { unbroadcast } from "./shared.js";

type Elementwise = "neg" | "exp" | "log" | "sqrt" | "rsqrt" | "abs" | "square" | "tanh" | "sigmoid" | "relu" | "leaky_relu"
  | "erf" | "gelu" | "silu" | "pow" | "add" | "sub" | "mul" | "div" | "maximum" | "minimum" | "select";

const SQRT1_2PI = 1 / Math.sqrt(2 * Math.PI);

export const elementwiseRules: RuleTable<Elementwise> = {
  neg: ({ b, dy }) => [b.neg(dy)],
  exp: ({ b, node, dy }) => [b.mul(dy, node.id)],
  log: ({ b, node, dy }) => [b.div(dy, node.inputs[0]!)],
  sqrt: ({ b, node, dy }) => [b.div(b.scale(dy, 0.5), node.id)],
  // d/dx x^(−1/2) = −½ · y / x
  rsqrt: ({ b, node, dy }) => [b.mul(dy, b.div(b.scale(node.id, -0.5), node.inputs[0]!))],
  abs: ({ b, node, dy }) => [b.mul(dy, b.unary("sign", node.inputs[0]!))],
  square: ({ b, node, dy }) => [b.mul(dy, b.scale(node.inputs[0]!, 2))],
  tanh: ({ b, node, dy }) => [b.mul(dy, b.sub(b.scalar(1), b.unary("square", node.id)))],
  sigmoid: ({ b, node, dy }) => [b.mul(dy, b.mul(node.id, b.sub(b.scalar(1), node.id)))],
  relu: ({ b, node, dy }) => [b.mul(dy, b.binary("greater", node.inputs[0]!, b.scalar(0)))],
  leaky_relu: ({ b, node, dy }) => [b.select(b.binary("greater", node.inputs[0]!, b.scalar(0)), dy, b.scale(dy, node.attrs.alpha))],
  erf: ({ b, node, dy }) => {
    const x = node.inputs[0]!;
    return [b.mul(dy, b.scale(b.exp(b.neg(b.unary("square", x))), 2 / Math.sqrt(Math.PI)))];
  },
  // gelu(x) = x·Φ(x), so gelu′(x) = Φ(x) + x·φ(x) with Φ(x) = ½(1 + erf(x/√2)), φ(x) = exp(−x²/2)/√(2π).
  gelu: ({ b, node, dy }) => {
    const x = node.inputs[0]!;
    const cdf = b.scale(b.add(b.scalar(1), b.unary("erf", b.scale(x, Math.SQRT1_2))), 0.5);
    const pdf = b.scale(b.exp(b.scale(b.unary("square", x), -0.5)), SQRT1_2PI);
    return [b.mul(dy, b.add(cdf, b.mul(x, pdf)))];
  },
  // silu(x) = x·s(x), silu′ = s·(1 + x·(1 − s))
  silu: ({ b, node, dy }) => {
    const x = node.inputs[0]!;
    const s = b.unary("sigmoid", x);
    return [b.mul(dy, b.mul(s, b.add(b.scalar(1), b.mul(x, b.sub(b.scalar(1), s)))))];
  },
  pow: ({ b, node, dy }) => {
    const p = node.attrs.exponent;
    return [b.mul(dy, b.scale(b.pow(node.inputs[0]!, p - 1), p))];
  },

  add: ({ b, node, dy }) => node.inputs.map((i) => unbroadcast(b, dy, b.shape(i))),
  sub: ({ b, node, dy, needs }) => [
    unbroadcast(b, dy, b.shape(node.inputs[0]!)),
    needs[1] ? unbroadcast(b, b.neg(dy), b.shape(node.inputs[1]!)) : null,
  ],
  mul: ({ b, node, dy, needs }) => {
    const [x, y] = node.inputs as [number, number];
    return [needs[0] ? unbroadcast(b, b.mul(dy, y), b.shape(x)) : null, needs[1] ? unbroadcast(b, b.mul(dy, x), b.shape(y)) : null];
  },
  // d(a/b)/db = −a/b² = −y/b
  div: ({ b, node, dy, needs }) => {
    const [x, y] = node.inputs as [number, number];
    return [
      needs[0] ? unbroadcast(b, b.div(dy, y), b.shape(x)) : null,
      needs[1] ? unbroadcast(b, b.neg(b.div(b.mul(dy, node.id), y)), b.shape(y)) : null,
    ];
  },
  maximum: ({ b, node, dy }) => {
    const [x, y] = node.inputs as [number, number];
    const toY = b.binary("greater", y, x);
    return [unbroadcast(b, b.mul(dy, b.sub(b.scalar(1), toY)), b.shape(x)), unbroadcast(b, b.mul(dy, toY), b.shape(y))];
  },
  minimum: ({ b, node, dy }) => {
    const [x, y] = node.inputs as [number, number];
    const toY = b.binary("greater", x, y);
    return [unbroadcast(b, b.mul(dy, b.sub(b.scalar(1), toY)), b.shape(x)), unbroadcast(b, b.mul(dy, toY), b.shape(y))];
  },
  select: ({ b, node, dy, needs }) => {
    const [c, x, y] = node.inputs as [number, number, number];
    const zero = b.scalar(0);
    return [
      null,
      needs[1] ? unbroadcast(b, b.select(c, dy, zero), b.shape(x)) : null,
      needs[2] ? unbroadcast(b, b.select(c, zero, dy), b.shape(y)) : null,
    ];
  },
};
