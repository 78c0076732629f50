// The figures dlm train prints for sequence models, on data small enough to compute by hand: chrF, the
// forecaster's MAE in the data's units and its seasonal-naive baseline, and exact match / chrF of
// greedy translations (fake models: only the arithmetic is under test here).

import { describe, expect, it } from "vitest";
import { chrF, forecastFigures, pairFigures, rowIds } from "../../compiler/cli/sequence-reports.js";
import { Dataset } from "../../runtime/data/dataset.js";

describe("chrF", () => {
  it("is 100 for equal texts (spaces ignored) and 0 with nothing in common", () => {
    expect(chrF(["ab"], ["ab"])).toBeCloseTo(100, 10);
    expect(chrF(["a b c"], ["abc"])).toBeCloseTo(100, 10);
    expect(chrF(["xyz"], ["abc"])).toBe(0);
  });

  it("averages precision and recall over the n-gram orders present", () => {
    // abc vs abd: 1-grams 2/3 match, 2-grams 1/2, 3-grams 0/1 → P = R = (2/3 + 1/2 + 0)/3 = 7/18, F = 7/18
    expect(chrF(["abc"], ["abd"])).toBeCloseTo((100 * 7) / 18, 10);
    // a vs ab: P1 = 1, R1 = 1/2; the 2-gram occurs only in the reference: P2 = 0, R2 = 0
    // P = 1/2, R = 1/4, F2 = 5·(1/8)/(4·1/2 + 1/4) = (5/8)/(9/4) = 5/18
    expect(chrF(["a"], ["ab"])).toBeCloseTo((100 * 5) / 18, 10);
    // counts summed over the corpus before the averages
    expect(chrF(["ab", "x"], ["ab", "y"])).toBeCloseTo(expectedCorpus(), 10);
  });
});

/** ab|ab and x|y: 1-grams 2 of 3 (both sides), 2-grams 1 of 1 → P = R = (2/3 + 1)/2 = 5/6. */
function expectedCorpus(): number {
  return (100 * 5) / 6;
}

describe("forecastFigures", () => {
  it("gives the MAE and the seasonal-naive MAE in the data's units", () => {
    // Two windows of 8 values (standardized units), targets after them.
    const window = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 1, 1, 1, 1, 1, 1, 1, 1]);
    const target = Float32Array.from([8, 3]);
    const test = new Dataset({ window: { data: window, shape: [8, 1] }, target: { data: target, shape: [1] } });
    const model = { predict: () => ({ next: Float32Array.from([7.5, 2]) }) };
    const f = forecastFigures(model, "window", "next", test, { mean: 100, std: 10 });
    // |7.5 − 8| = 0.5, |2 − 3| = 1 → 0.75 × 10; naive: window[1] = 1 vs 8 → 7, window[9] = 1 vs 3 → 2 → 4.5 × 10
    expect(f.count).toBe(2);
    expect(f.mae).toBeCloseTo(7.5, 10);
    expect(f.naive).toBeCloseTo(45, 10);
    const short = new Dataset({ window: { data: window.subarray(0, 12), shape: [6, 1] }, target: { data: target, shape: [1] } });
    expect(forecastFigures(model, "window", "next", short, undefined).naive).toBeUndefined();
  });
});

describe("pairFigures", () => {
  it("counts exact matches up to the end id and scores held-out text", () => {
    const END = 2;
    // src rows of 3, tgt_out rows of 4 (ids ≥ 4 are characters)
    const src = Int32Array.from([4, 5, 0, 6, 0, 0]);
    const tgt = Int32Array.from([5, 4, END, 0, 6, 6, END, 0]);
    const train = new Dataset({ src: { data: src, shape: [3] }, tgt_out: { data: tgt, shape: [4] } });
    // Row 0 right (what follows the end id does not count), row 1 wrong.
    const model = { translate: () => Int32Array.from([5, 4, END, 7, 6, END, 0, 0]) };
    const decode = (ids: readonly number[]) => ids.map((i) => "xyab"[i - 4] ?? "?").join("");
    const f = pairFigures(model, train, train, decode);
    expect(f.exactMatch).toBe(0.5);
    expect(f.chrF).toBeCloseTo(chrF(["yx", "a"], ["yx", "aa"]), 10);
    expect(f.copyChrF).toBeCloseTo(chrF(["xy", "a"], ["yx", "aa"]), 10);
    expect(f.samples[0]).toEqual(["xy", "yx", "yx"]);
    expect(rowIds(Int32Array.from([4, 0, 5]), 0, 3)).toEqual([4]);
  });
});
