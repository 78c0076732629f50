// sampleLogits against the sort-based reference on the same uniform draws (random rows, ties, top-k at
// every size, temperatures from tiny to large), and its draws against the softmax probabilities.

import { describe, expect, it } from "vitest";
import { sampleLogits } from "../../../runtime/kernels/sample-logits.js";
import { refSampleLogits } from "../../../runtime/kernels/reference/sample-logits.js";
import { lcg, randArray, randInt } from "./helpers.js";

/** A uniform source that replays a fixed list, so kernel and reference see the same u. */
function replay(values: readonly number[]): { nextFloat(): number } {
  let i = 0;
  return { nextFloat: () => values[i++ % values.length]! };
}

describe("sampleLogits", () => {
  it("matches the reference on random rows, with ties, for every top-k and temperature", () => {
    const rand = lcg(11);
    for (let t = 0; t < 400; t++) {
      const count = randInt(rand, 1, 40);
      const offset = randInt(rand, 0, 5);
      const row = randArray(rand, offset + count + 3, -6, 6);
      // Rounded values make ties common, so the tie rule at the top-k boundary is exercised.
      if (t % 2 === 0) for (let i = 0; i < row.length; i++) row[i] = Math.round(row[i]!);
      const temperature = [0, 1e-3, 0.5, 1, 3][t % 5]!;
      const topK = randInt(rand, 0, count + 2);
      const u = rand();
      const got = sampleLogits(row, offset, count, temperature, topK, replay([u]), new Float64Array(count + randInt(rand, 0, 3)));
      const want = refSampleLogits(row, offset, count, temperature, topK, () => u);
      expect(got, `case ${t}: count ${count} T ${temperature} k ${topK} u ${u}`).toBe(want);
    }
  });

  it("is greedy at temperature 0 and with top_k 1, whatever the draw", () => {
    const row = Float32Array.from([0.5, 2, -1, 2, 1.5]);
    const scratch = new Float64Array(5);
    expect(sampleLogits(row, 0, 5, 0, 0, replay([0.99]), scratch)).toBe(1);
    for (const u of [0, 0.3, 0.999]) expect(sampleLogits(row, 0, 5, 1, 1, replay([u]), scratch)).toBe(1);
  });

  it("draws with the softmax probabilities of the kept entries", () => {
    const row = Float32Array.from([1, 0, 2, -1, 0.5]);
    const temperature = 0.8;
    const topK = 3; // keeps indices 0, 2, 4
    const w = [1, 0, 2, -1, 0.5].map((v, i) => ([0, 2, 4].includes(i) ? Math.exp(v / temperature) : 0));
    const total = w.reduce((a, b) => a + b, 0);
    const rand = lcg(3);
    const source = { nextFloat: rand };
    const counts = new Array<number>(5).fill(0);
    const n = 20000;
    const scratch = new Float64Array(5);
    for (let i = 0; i < n; i++) counts[sampleLogits(row, 0, 5, temperature, topK, source, scratch)]!++;
    for (let i = 0; i < 5; i++) {
      const p = w[i]! / total;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(counts[i]! - n * p), `index ${i}`).toBeLessThanOrEqual(5 * sd + 1e-9);
    }
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
  });

  it("refuses NaN logits, a negative temperature and a short scratch", () => {
    const scratch = new Float64Array(3);
    expect(() => sampleLogits(Float32Array.from([0, NaN, 1]), 0, 3, 1, 0, replay([0.5]), scratch)).toThrow(/NaN/);
    expect(() => sampleLogits(Float32Array.from([0, 1, 1]), 0, 3, -1, 0, replay([0.5]), scratch)).toThrow(/temperature/);
    expect(() => sampleLogits(Float32Array.from([0, 1, 1, 2]), 0, 4, 1, 0, replay([0.5]), scratch)).toThrow(/scratch/);
  });
});
