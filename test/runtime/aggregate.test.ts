// Host aggregators: the ratio of sums against a hand computation (and how it differs from a mean of
// per-example ratios), the mean, padding rows ignored, and the configuration checks.

import { describe, expect, it } from "vitest";
import { createAggregator } from "../../runtime/aggregate.js";

describe("createAggregator", () => {
  it("ratio: Σ num / Σ den per column, averaged over the columns with a denominator", () => {
    const a = createAggregator("ratio", { k: 3 });
    // rows of [num0, num1, num2, den0, den1, den2]; the 3rd row of the 2nd batch is padding
    a.add(Float32Array.of(1, 0, 0, 2, 0, 0, 3, 1, 0, 4, 4, 0), 2);
    a.add(Float32Array.of(0, 1, 0, 10, 1, 0, 99, 99, 99, 99, 99, 99), 1);
    // column 0: 4/16, column 1: 2/5, column 2: no denominator
    expect(a.result()).toBeCloseTo((4 / 16 + 2 / 5) / 2, 6);
    // not the mean of per-example IoUs: (1/2 + 3/4 + 0/10)/3 for column 0 alone would differ
    expect(4 / 16).not.toBeCloseTo((1 / 2 + 3 / 4 + 0) / 3, 3);
  });

  it("mean over the real rows; NaN when nothing was added", () => {
    const m = createAggregator("mean");
    m.add(Float32Array.of(1, 2, 100), 2);
    m.add(Float32Array.of(6), 1);
    expect(m.result()).toBe(3);
    expect(createAggregator("ratio", { k: 2 }).result()).toBeNaN();
    expect(createAggregator("mean").result()).toBeNaN();
  });

  it("says what is missing", () => {
    expect(() => createAggregator("ratio", {})).toThrow(/ratio aggregator: config 'k' is missing/);
    expect(() => createAggregator("mask_map", { grid: 8, classes: 10, height: 64 })).toThrow(/'width' is missing/);
    expect(() => createAggregator("ratio", { k: 2 }).add(new Float32Array(3), 1)).toThrow(/expected 1 rows of 4 values/);
  });
});

describe("detection_map and mask_map rows", () => {
  it("predictions equal to the digit_canvases targets score 1", async () => {
    const { digitCanvases } = await import("../../runtime/data/canvases.js");
    const { createRng } = await import("../../runtime/rng.js");
    const rng = createRng(1);
    const count = 12;
    // "digits": blobs of 6–11 pixels a side somewhere in their 28×28 square, so that boxes rarely overlap
    const images = new Float32Array(20 * 784);
    for (let i = 0; i < 20; i++) {
      const w = 6 + rng.nextInt(6);
      const x0 = rng.nextInt(28 - w);
      const y0 = rng.nextInt(28 - w);
      for (let y = y0; y < y0 + w; y++) for (let x = x0; x < x0 + w; x++) images[i * 784 + y * 28 + x] = 0.9;
    }
    const data = digitCanvases({ count, size: 64, digits: [1, 3], grid: 8, seed: 5 }, { images, labels: Int32Array.from({ length: 20 }, (_, i) => i % 10), count: 20 });
    const f = (name: string) => data.field(name).data;
    const G = 8;
    const cells = G * G;
    const P = 64 * 64;
    const det = createAggregator("detection_map", { grid: G, classes: 10 });
    const mask = createAggregator("mask_map", { grid: G, classes: 10, height: 64, width: 64 });
    for (let n = 0; n < count; n++) {
      const has = f("has_object").subarray(n * cells, (n + 1) * cells);
      const box = f("box_target").subarray(n * 4 * cells, (n + 1) * 4 * cells);
      const cls = f("class_target").subarray(n * cells, (n + 1) * cells);
      const m = f("mask").subarray(n * P, (n + 1) * P);
      const obj = Float32Array.from(has, (h) => (h > 0 ? 10 : -10));
      const logits = new Float32Array(10 * cells);
      cls.forEach((c, g) => {
        if (c >= 0) logits[c * cells + g] = 10;
      });
      const seg = new Float32Array(11 * P);
      m.forEach((c, p) => (seg[c * P + p] = 10));
      const targets = [...has, ...box, ...Array.from(cls)];
      det.add(Float32Array.from([...obj, ...box, ...logits, ...targets]), 1);
      mask.add(Float32Array.from([...obj, ...box, ...logits, ...seg, ...targets, ...Array.from(m)]), 1);
    }
    expect(det.result()).toBeCloseTo(1, 6);
    // a digit whose centre cell another took is no ground truth, yet its pixels are foreground: ≤ 1
    expect(mask.result()).toBeGreaterThan(0.9);
  });
});
