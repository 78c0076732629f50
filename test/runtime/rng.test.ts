// Seeded RNG: reproducibility, independence of forks, distribution sanity, in-place fills.

import { describe, expect, it } from "vitest";
import { Rng, createRng } from "../../runtime/rng.js";

function draws(r: Rng, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

describe("createRng", () => {
  it("seeds xoroshiro128+ through SplitMix64 (published SplitMix64 outputs for seed 0)", () => {
    // mix64(0) = 0, so seed 0's key is 0 and the state is SplitMix64's first two outputs from state 0:
    // 0xe220a8397b1dcdaf and 0x6e789e6aa1b965f4. xoroshiro128+ then outputs the low word of s0 + s1.
    const r = createRng(0);
    const s0 = 0xe220a8397b1dcdafn;
    const s1 = 0x6e789e6aa1b965f4n;
    const words = [s0 >> 32n, s0 & 0xffffffffn, s1 >> 32n, s1 & 0xffffffffn].map((w) => Number(BigInt.asIntN(32, w)));
    expect(Array.from(r.getState())).toEqual(words);
    expect(r.nextUint32()).toBe(Number((s0 + s1) & 0xffffffffn));
  });

  it("gives identical sequences for the same seed and different ones otherwise", () => {
    expect(draws(createRng(42), 100)).toEqual(draws(createRng(42), 100));
    const a = draws(createRng(1), 100);
    const b = draws(createRng(2), 100);
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThan(3);
    expect(draws(createRng(-1), 10)).not.toEqual(draws(createRng(1), 10));
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(/safe integer/);
    expect(() => createRng(2 ** 60)).toThrow(/safe integer/);
  });
});

describe("fork", () => {
  it("derives streams from the key, not from the position", () => {
    const root = createRng(7);
    const before = draws(root.fork("shuffle"), 20);
    draws(root, 1000);
    draws(root.fork("dropout"), 1000);
    expect(draws(root.fork("shuffle"), 20)).toEqual(before);
    expect(draws(createRng(7).fork("shuffle"), 20)).toEqual(before);
  });

  it("gives different streams for different ids and differs from the parent", () => {
    const root = createRng(7);
    const streams = [root.fork("init"), root.fork("dropout"), root.fork(0), root.fork(1), createRng(7)].map((r) => draws(r, 8).join());
    expect(new Set(streams).size).toBe(streams.length);
    expect(draws(root.fork(1).fork(2), 8)).not.toEqual(draws(root.fork(2).fork(1), 8));
  });
});

describe("distributions", () => {
  const n = 100_000;

  it("nextFloat is uniform on [0,1): mean 1/2, variance 1/12", () => {
    const r = createRng(3);
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      s += u;
      s2 += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    const mean = s / n;
    // 5 standard errors: σ/√n = 0.289/316 ≈ 0.0009
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
  });

  it("fillUniform fills the given array in place within [low, high]", () => {
    const r = createRng(4);
    const out = new Float32Array(n);
    const ret: unknown = r.fillUniform(out, -2, 3);
    expect(ret).toBeUndefined();
    let s = 0;
    for (const v of out) {
      expect(v >= -2 && v <= 3).toBe(true);
      s += v;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * (5 / Math.sqrt(12)) / Math.sqrt(n));
  });

  it("fillNormal has the requested mean and standard deviation, odd lengths included", () => {
    const r = createRng(5);
    const out = new Float64Array(n + 1);
    r.fillNormal(out, 1.5, 2);
    let s = 0;
    let s2 = 0;
    for (const v of out) {
      s += v;
      s2 += v * v;
    }
    const m = s / out.length;
    const v = s2 / out.length - m * m;
    expect(Math.abs(m - 1.5)).toBeLessThan((5 * 2) / Math.sqrt(n));
    expect(Math.abs(v - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / n));
    // tails: P(|z| > 3) ≈ 0.0027
    const tail = out.filter((x) => Math.abs((x - 1.5) / 2) > 3).length / out.length;
    expect(tail).toBeGreaterThan(0.0015);
    expect(tail).toBeLessThan(0.004);
    expect(Number.isFinite(out[n]!)).toBe(true);
  });

  it("nextInt is uniform over its range", () => {
    const r = createRng(6);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) counts[r.nextInt(10)]!++;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - n / 10) ** 2 / (n / 10);
    // χ² with 9 degrees of freedom: P(χ² > 33.7) ≈ 1e-4
    expect(chi2).toBeLessThan(33.7);
    expect(() => r.nextInt(0)).toThrow(RangeError);
  });

  it("shuffle permutes in place, reproducibly, and moves things around", () => {
    const a = Int32Array.from({ length: 1000 }, (_, i) => i);
    createRng(8).shuffle(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const fixed = a.filter((v, i) => v === i).length;
    expect(fixed).toBeLessThan(10); // expected 1
    const b = Int32Array.from({ length: 1000 }, (_, i) => i);
    createRng(8).shuffle(b);
    expect(Array.from(b)).toEqual(Array.from(a));
    const part = Int32Array.from({ length: 10 }, (_, i) => i);
    createRng(9).shuffle(part, 4);
    expect(Array.from(part.subarray(4))).toEqual([4, 5, 6, 7, 8, 9]);
  });
});

describe("state", () => {
  it("getState / new Rng(key, state) resumes exactly", () => {
    const r = createRng(10);
    draws(r, 37);
    const resumed = new Rng(r.key, r.getState());
    expect(draws(resumed, 50)).toEqual(draws(r, 50));
  });

  it("serialize / deserialize keeps the key (forks) and the position", () => {
    const r = createRng(-123456789).fork("dropout");
    draws(r, 11);
    const words = r.serialize();
    expect(words).toBeInstanceOf(Int32Array);
    const back = Rng.deserialize(Array.from(words));
    expect(back.key).toBe(r.key);
    expect(draws(back.fork("x"), 5)).toEqual(draws(r.fork("x"), 5));
    expect(draws(back, 20)).toEqual(draws(r, 20));
    expect(() => Rng.deserialize([1, 2, 3])).toThrow(/expected 6 words/);
  });
});
