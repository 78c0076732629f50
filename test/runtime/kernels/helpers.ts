// Test helpers for fast-vs-reference kernel tests: a tiny seeded generator (independent of runtime/rng
// so a bug there cannot hide one here) and a closeness check scaled by the magnitudes involved.

import { expect } from "vitest";

export function lcg(seed: number): () => number {
  // mulberry32
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

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
