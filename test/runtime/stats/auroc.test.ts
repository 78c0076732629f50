// AUROC against the brute-force pairwise definition (every anomaly/normal pair, ties ½), on random scores
// with many ties, plus the edge cases.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auroc } from "../../../runtime/stats/auroc.js";

function pairwise(scores: number[], positive: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!positive[i]) return;
    scores.forEach((t, j) => {
      if (positive[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("auroc", () => {
  it("equals the pairwise count on random data with ties", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 60 }), (rows) => {
        const scores = rows.map(([s]) => s / 2);
        const positive = rows.map(([, p]) => p);
        fc.pre(positive.some((p) => p) && positive.some((p) => !p));
        expect(auroc(scores, positive)).toBeCloseTo(pairwise(scores, positive), 12);
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it("is 1 for perfect separation, 0 for reversed, ½ for all-equal scores", () => {
    expect(auroc([0.1, 0.2, 0.9, 0.8], [false, false, true, true])).toBe(1);
    expect(auroc([0.9, 0.8, 0.1, 0.2], [false, false, true, true])).toBe(0);
    expect(auroc([1, 1, 1], [true, false, false])).toBe(0.5);
  });

  it("refuses one-class input and NaN scores", () => {
    expect(() => auroc([1, 2], [true, true])).toThrow(/both classes/);
    expect(() => auroc([1, Number.NaN], [true, false])).toThrow(/NaN/);
  });
});
