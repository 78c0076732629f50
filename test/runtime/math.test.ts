// erf, sigmoid, softplus against independent float64 evaluations: erf by its Maclaurin series (|x| ≤ 3,
// 80 terms, cancellation costs < 4 digits of 16) and by the Laplace continued fraction for erfc beyond.

import { describe, expect, it } from "vitest";
import { erf, logSigmoid, sigmoid, softplus } from "../../runtime/math.js";

function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc x = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated bottom-up
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function erfRef(x: number): number {
  if (Math.abs(x) <= 3) return erfSeries(x);
  const r = 1 - erfcContinuedFraction(Math.abs(x));
  return x < 0 ? -r : r;
}

describe("erf", () => {
  it("is within 1.2e-7 of the reference on [-6, 6], and relatively accurate near 0", () => {
    let worst = 0;
    for (let x = -6; x <= 6; x += 0.001) worst = Math.max(worst, Math.abs(erf(x) - erfRef(x)));
    expect(worst).toBeLessThan(1.2e-7);
    for (const x of [1e-8, -3e-5, 0.01, 0.3]) expect(Math.abs(erf(x) / erfRef(x) - 1)).toBeLessThan(1e-10);
    expect(erf(0)).toBe(0);
    expect(erf(40)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
  });
});

describe("sigmoid, softplus, logSigmoid", () => {
  it("agree with the naive formulas where those are safe", () => {
    for (let x = -30; x <= 30; x += 0.37) {
      expect(sigmoid(x)).toBeCloseTo(1 / (1 + Math.exp(-x)), 14);
      expect(Math.abs(softplus(x) - Math.log(1 + Math.exp(x)))).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
      expect(Math.abs(logSigmoid(x) - Math.log(1 / (1 + Math.exp(-x))))).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
    }
  });

  it("stay finite and exact-ish at the extremes", () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(softplus(-50)).toBeCloseTo(Math.exp(-50), 30);
    expect(logSigmoid(-1000)).toBe(-1000);
  });
});
