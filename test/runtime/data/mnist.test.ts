// The bundled MNIST digits: sizes, value range, deterministic digit-major order, and that the pixels are
// those of the package's own JSON (read independently here).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMnist } from "../../../runtime/data/mnist.js";

describe("loadMnist", () => {
  it("loads every bundled digit in digit-major order with values in [0, 1]", () => {
    const m = loadMnist();
    const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
    const perDigit = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] }).data);
    const total = perDigit.reduce((s, a) => s + a.length / 784, 0);
    expect(m.count).toBe(total);
    expect(m.shape).toEqual([28, 28]);
    expect(m.images.length).toBe(total * 784);
    expect(m.labels.length).toBe(total);
    let min = Infinity;
    let max = -Infinity;
    for (const v of m.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    // labels are non-decreasing 0..9, each digit's block matching its file
    let at = 0;
    for (let d = 0; d < 10; d++) {
      const n = perDigit[d]!.length / 784;
      expect(Array.from(new Set(m.labels.subarray(at, at + n)))).toEqual([d]);
      // spot-check the last image of the block
      const last = Array.from(m.images.subarray((at + n - 1) * 784, (at + n) * 784));
      expect(last).toEqual(perDigit[d]!.slice((n - 1) * 784).map(Math.fround));
      at += n;
    }
  });
});
