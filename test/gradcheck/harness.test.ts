// The gradient check must be able to fail: rules with planted mistakes (a wrong factor, a wrong sign, a
// missing term, a gradient sent to the wrong operand) are caught, and the right rules pass on the same graphs.

import { describe, expect, it } from "vitest";
import type { Rules } from "../../compiler/autodiff/rule.js";
import type { GradCase } from "./harness.js";
import { gradRules } from "../../compiler/autodiff/rules/index.js";
import { gradcheck, rng } from "./harness.js";

const planted: [string, GradCase, Rules][] = [
  [
    "exp rule forgets the factor y",
    { name: "exp", op: "exp", inputs: { x: { shape: [3] } }, build: (b, { x }) => b.exp(x!) },
    { ...gradRules, exp: ({ dy }) => [dy] },
  ],
  [
    "sub rule drops the minus sign",
    { name: "sub", op: "sub", inputs: { a: { shape: [2] }, b: { shape: [2] } }, build: (b, v) => b.sub(v.a!, v.b!) },
    { ...gradRules, sub: ({ dy }) => [dy, dy] },
  ],
  [
    "softmax rule treats softmax as identity",
    { name: "softmax", op: "softmax", inputs: { x: { shape: [2, 3] } }, build: (b, { x }) => b.softmax(x!, 1) },
    { ...gradRules, softmax: ({ dy }) => [dy] },
  ],
  [
    "mul rule swaps the operands' gradients",
    { name: "mul", op: "mul", inputs: { a: { shape: [3] }, b: { shape: [3] } }, build: (b, v) => b.mul(v.a!, v.b!) },
    { ...gradRules, mul: ({ b, node, dy }) => [b.mul(dy, node.inputs[0]!), b.mul(dy, node.inputs[1]!)] },
  ],
];

describe("gradcheck harness", () => {
  it.each(planted)("catches: %s", (_, c, rules) => {
    expect(gradcheck(c, 3).mismatches).toEqual([]);
    expect(gradcheck(c, 3, rules).mismatches.length).toBeGreaterThan(0);
  });

  it("draws reproducible inputs", () => {
    const [a, b] = [rng(5), rng(5)];
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(new Set(xs).size).toBe(5);
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
