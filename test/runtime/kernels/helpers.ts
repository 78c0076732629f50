// Test helpers for fast-vs-reference kernel tests: a tiny seeded generator (independent of runtime/rng
// so a bug there cannot hide one here) and a closeness check scaled by the magnitudes involved.

import { expect } from "vitest";

export { mulberry32 as lcg, randArray } from "../../support/random.js";

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * |got − want| ≤ rtol · scale[i] (+ a denormal-sized floor). `scale` is the magnitude the result was
 * summed from (e.g. Σ|a||b| for a dot product), so cancellation does not make the test flaky.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, scale?: ArrayLike<number> | number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < got.length; i++) {
    const s = scale === undefined ? Math.abs(want[i]!) : typeof scale === "number" ? scale : scale[i]!;
    const err = Math.abs(got[i]! - want[i]!);
    const ratio = err / (rtol * s + 1e-30);
    if (!(ratio <= worst)) {
      worst = ratio;
      worstAt = i;
    }
  }
  if (!(worst <= 1)) {
    expect.fail(`element ${worstAt}: got ${got[worstAt]}, want ${want[worstAt]} (error ${worst.toFixed(2)}× the tolerance)`);
  }
}

export function absArray(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}
