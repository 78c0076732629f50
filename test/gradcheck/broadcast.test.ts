// Property: for random shapes that broadcast (dropped leading dims, size-1 dims on either side), every
// broadcasting binary op's gradient matches finite differences. Guards `unbroadcast` beyond hand cases.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BinaryOp } from "../../compiler/ir/builder.js";
import { gradcheck } from "./harness.js";

const ops: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum"];

/** A full shape and, per operand, which leading dims to drop and which dims to squash to 1. */
const arbCase = fc.record({
  op: fc.constantFrom(...ops),
  full: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
  dropA: fc.integer({ min: 0, max: 3 }),
  dropB: fc.integer({ min: 0, max: 3 }),
  onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

function operand(full: number[], drop: number, ones: boolean[]): number[] {
  return full.slice(Math.min(drop, full.length)).map((d, k) => (ones[k] ? 1 : d));
}

describe("broadcasting binary ops (property)", () => {
  it("match finite differences for random broadcast shapes", () => {
    fc.assert(
      fc.property(arbCase, ({ op, full, dropA, dropB, onesA, onesB, seed }) => {
        const a = operand(full, dropA, onesA);
        const c = operand(full, dropB, onesB);
        const r = gradcheck({
          name: `${op} [${a}] [${c}]`, op,
          inputs: { a: { shape: a, draw: "away" }, b: { shape: c, draw: op === "div" ? "positive" : "away" } },
          build: (b, x) => b.binary(op, x.a!, x.b!),
        }, seed);
        expect(r.mismatches).toEqual([]);
        expect(r.independent).toEqual([]);
      }),
      { numRuns: 60, seed: 20261124 },
    );
  });
});
