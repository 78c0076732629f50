// Class entropy and confidence of judged samples, against direct formulas.

import { describe, expect, it } from "vitest";
import { histogramEntropy, judgeLogits } from "../../../runtime/stats/classes.js";

describe("judgeLogits", () => {
  it("uniform classes give ln K; one class gives 0", () => {
    expect(histogramEntropy([5, 5, 5, 5])).toBeCloseTo(Math.log(4), 12);
    expect(histogramEntropy([0, 7, 0])).toBe(0);
    expect(histogramEntropy([1, 3])).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
  });

  it("counts argmax classes and averages the top softmax probability (stable for large logits)", () => {
    const logits = [2, 0, 0, /**/ 0, 1000, 999, /**/ 0, 0, 0];
    const j = judgeLogits(logits, 3, 3);
    expect(Array.from(j.histogram)).toEqual([2, 1, 0]);
    const p0 = Math.exp(2) / (Math.exp(2) + 2);
    const p1 = 1 / (1 + Math.exp(-1) + Math.exp(-1000));
    expect(j.meanConfidence).toBeCloseTo((p0 + p1 + 1 / 3) / 3, 12);
    expect(j.entropy).toBeCloseTo(histogramEntropy([2, 1, 0]), 12);
  });
});
