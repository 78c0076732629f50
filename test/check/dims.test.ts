// Symbolic dims: the normal form is canonical (equal polynomials compare equal) and every operation
// agrees with plain integer arithmetic once symbols get values (checked against a direct evaluator).

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  dimAdd,
  dimConst,
  dimDivExact,
  dimEquals,
  dimFloorDiv,
  dimMul,
  dimNeg,
  dimSub,
  dimSubst,
  dimSym,
  dimValue,
  formatDim,
  solveLinear,
  type Dim,
} from "../../compiler/check/dims.js";

const names = ["B", "T", "d"] as const;

/** Direct evaluation, independent of the normal form. */
function evaluate(d: Dim, env: Record<string, number>): number {
  let total = 0;
  for (const t of d.terms) {
    let v = t.coef;
    for (const a of t.atoms) v *= a.kind === "sym" ? env[a.name]! : Math.floor(evaluate(a.num, env) / evaluate(a.den, env));
    total += v;
  }
  return total;
}

type Tree = { k: "c"; v: number } | { k: "s"; n: string } | { k: "+" | "-" | "*"; a: Tree; b: Tree };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ k: fc.constant("c" as const), v: fc.integer({ min: -5, max: 5 }) }),
    fc.record({ k: fc.constant("s" as const), n: fc.constantFrom(...names) }),
    fc.record({ k: fc.constantFrom("+" as const, "-" as const, "*" as const), a: tie("t"), b: tie("t") }),
  ),
})).t;

function build(t: Tree): Dim {
  if (t.k === "c") return dimConst(t.v);
  if (t.k === "s") return dimSym(t.n);
  const a = build(t.a);
  const b = build(t.b);
  return t.k === "+" ? dimAdd(a, b) : t.k === "-" ? dimSub(a, b) : dimMul(a, b);
}

function direct(t: Tree, env: Record<string, number>): number {
  if (t.k === "c") return t.v;
  if (t.k === "s") return env[t.n]!;
  const a = direct(t.a, env);
  const b = direct(t.b, env);
  return t.k === "+" ? a + b : t.k === "-" ? a - b : a * b;
}

const env = fc.record({ B: fc.integer({ min: 1, max: 50 }), T: fc.integer({ min: 1, max: 50 }), d: fc.integer({ min: 1, max: 50 }) });

describe("dims", () => {
  test("normal form agrees with integer arithmetic", () => {
    fc.assert(fc.property(tree, env, (t, e) => evaluate(build(t), e) === direct(t, e)));
  });

  test("substituting every symbol gives the concrete value", () => {
    fc.assert(
      fc.property(tree, env, (t, e) => {
        const bind = new Map(Object.entries(e).map(([k, v]) => [k, dimConst(v)]));
        return dimValue(dimSubst(build(t), bind)) === direct(t, e);
      }),
    );
  });

  test("structurally equal when algebraically equal", () => {
    const d = dimSym("d");
    const T = dimSym("T");
    expect(dimEquals(dimAdd(dimMul(dimConst(2), d), d), dimMul(dimConst(3), d))).toBe(true);
    expect(dimEquals(dimAdd(dimSub(T, dimConst(1)), dimConst(1)), T)).toBe(true);
    const a = dimAdd(d, T);
    const b = dimSub(d, T);
    expect(dimEquals(dimMul(a, b), dimSub(dimMul(d, d), dimMul(T, T)))).toBe(true);
    expect(dimEquals(dimAdd(d, T), dimAdd(T, d))).toBe(true);
    expect(dimEquals(d, T)).toBe(false);
    expect(formatDim(dimAdd(dimMul(dimConst(4), d), dimConst(1)))).toBe("4*d + 1");
    expect(formatDim(dimNeg(T))).toBe("-T");
  });

  test("exact division simplifies; other division is an opaque floor that substitutes later", () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 9 }), env, (t, k, e) => {
        const x = build(t);
        const q = dimDivExact(dimMul(x, dimConst(k)), dimConst(k));
        return q !== undefined && dimEquals(q, x) && evaluate(dimFloorDiv(x, dimConst(k)), e) === Math.floor(evaluate(x, e) / k);
      }),
    );
    const H = dimSym("H");
    const half = dimFloorDiv(dimAdd(H, dimConst(1)), dimConst(2));
    expect(formatDim(half)).toBe("⌊(H + 1) / 2⌋");
    expect(dimValue(dimSubst(half, new Map([["H", dimConst(27)]])))).toBe(14);
    expect(dimEquals(dimDivExact(dimMul(dimSym("B"), dimSym("T")), dimSym("T"))!, dimSym("B"))).toBe(true);
    expect(dimDivExact(dimSym("B"), dimSym("T"))).toBeUndefined();
  });

  test("solveLinear binds one unknown symbol", () => {
    const T = dimSym("T");
    expect(solveLinear(dimAdd(T, dimConst(1)), dimConst(65), new Map())).toEqual({ name: "T", dim: dimConst(64) });
    expect(solveLinear(dimMul(dimConst(2), T), dimConst(7), new Map())).toBeUndefined();
    expect(solveLinear(dimMul(T, T), dimConst(4), new Map())).toBeUndefined();
  });
});
