// transpose, gather/scatter rows, take/scatter along the last axis and copyStrided: exact data movement,
// so compared for equality (sums in the scatters are checked against float64 references).

import { describe, expect, it } from "vitest";
import { copyStrided } from "../../../runtime/kernels/copy-strided.js";
import { gatherRows, scatterAddRows } from "../../../runtime/kernels/gather-rows.js";
import { refTranspose } from "../../../runtime/kernels/reference/transpose.js";
import { countNotIgnored, scatterAlongLastAxis, takeAlongLastAxis } from "../../../runtime/kernels/take-along-last-axis.js";
import { transpose } from "../../../runtime/kernels/transpose.js";
import { expectClose, lcg, randArray, randInt } from "./helpers.js";

const rand = lcg(3);

function randomPerm(rank: number): number[] {
  const p = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = randInt(rand, 0, i);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe("transpose", () => {
  it("matches the reference for every rank 1..6 and random permutations", () => {
    for (let rank = 1; rank <= 6; rank++)
      for (let t = 0; t < 12; t++) {
        const shape = Array.from({ length: rank }, () => randInt(rand, 1, rank > 4 ? 4 : 7));
        const perm = randomPerm(rank);
        const size = shape.reduce((a, b) => a * b, 1);
        const x = randArray(rand, size);
        const y = new Float32Array(size);
        const yRef = new Float32Array(size);
        transpose(x, y, Int32Array.from(shape), Int32Array.from(perm));
        refTranspose(x, yRef, shape, perm);
        expect(Array.from(y)).toEqual(Array.from(yRef));
      }
  });

  it("moves int32 data too", () => {
    const x = Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50);
    const y = new Int32Array(24);
    transpose(x, y, Int32Array.of(2, 3, 4), Int32Array.of(2, 0, 1));
    const want = new Float32Array(24);
    refTranspose(Float32Array.from(x), want, [2, 3, 4], [2, 0, 1]);
    expect(Array.from(y)).toEqual(Array.from(want));
    const back = new Int32Array(6);
    copyStrided(x, back, 2, 12, 3, 0, 3, 5);
    expect(Array.from(back)).toEqual([5, 6, 7, 17, 18, 19].map((i) => i * 7 - 50));
  });

  it("rejects rank 7", () => {
    const s = new Int32Array(7).fill(1);
    expect(() => transpose(new Float32Array(1), new Float32Array(1), s, s)).toThrow(/rank ≤ 6/);
  });
});

describe("gatherRows / scatterAddRows", () => {
  it("gathers rows and accumulates their gradients (repeated indices add up)", () => {
    const V = 7;
    const D = 5;
    const n = 20;
    const table = randArray(rand, V * D);
    const idx = Int32Array.from({ length: n }, () => randInt(rand, 0, V - 1));
    const out = new Float32Array(n * D);
    gatherRows(table, idx, out, V, D, n);
    for (let p = 0; p < n; p++) expect(Array.from(out.subarray(p * D, p * D + D))).toEqual(Array.from(table.subarray(idx[p]! * D, idx[p]! * D + D)));
    const dOut = randArray(rand, n * D);
    const dTable = randArray(rand, V * D);
    const want = Array.from(dTable, Number);
    for (let p = 0; p < n; p++) for (let j = 0; j < D; j++) want[idx[p]! * D + j]! += dOut[p * D + j]!;
    scatterAddRows(dOut, idx, dTable, V, D, n);
    expectClose(dTable, want, 1e-6, 8);
  });

  it("throws a RangeError naming the bad index and V", () => {
    const idx = new Int32Array([0, 9]);
    expect(() => gatherRows(new Float32Array(8), idx, new Float32Array(4), 4, 2, 2)).toThrow(/index 9 at position 1 .* 4 rows/);
    expect(() => scatterAddRows(new Float32Array(4), new Int32Array([-1, 0]), new Float32Array(8), 4, 2, 2)).toThrow(RangeError);
  });
});

describe("takeAlongLastAxis / scatterAlongLastAxis", () => {
  it("picks one column per row, skipping the ignore label both ways", () => {
    const rows = 6;
    const cols = 4;
    const x = randArray(rand, rows * cols);
    const idx = new Int32Array([3, -1, 0, 2, -1, 1]);
    const out = new Float32Array(rows).fill(NaN);
    takeAlongLastAxis(x, idx, out, rows, cols, -1);
    expect(Array.from(out)).toEqual(Array.from(idx, (k, r) => (k < 0 ? 0 : x[r * cols + k]!)));
    expect(countNotIgnored(idx, rows, -1)).toBe(4);

    const dOut = randArray(rand, rows);
    const dx = new Float32Array(rows * cols).fill(NaN);
    scatterAlongLastAxis(dOut, idx, dx, rows, cols, -1, false);
    const want = new Float32Array(rows * cols);
    idx.forEach((k, r) => {
      if (k >= 0) want[r * cols + k] = dOut[r]!;
    });
    expect(Array.from(dx)).toEqual(Array.from(want));
    scatterAlongLastAxis(dOut, idx, dx, rows, cols, -1, true);
    expect(Array.from(dx)).toEqual(Array.from(want, (v) => Math.fround(2 * v)));
  });

  it("throws a RangeError for a label outside the classes", () => {
    expect(() => takeAlongLastAxis(new Float32Array(6), new Int32Array([1, 3]), new Float32Array(2), 2, 3, -1)).toThrow(
      /label 3 in row 1 is outside 0..2/,
    );
    expect(() => scatterAlongLastAxis(new Float32Array(2), new Int32Array([-2, 0]), new Float32Array(6), 2, 3, -1, false)).toThrow(RangeError);
  });
});

describe("copyStrided", () => {
  it("concatenates along a middle axis and slices back out", () => {
    // a: [2, 3], b: [2, 2] → c: [2, 5]
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10]);
    const c = new Float32Array(10);
    copyStrided(a, c, 2, 3, 5, 0, 3);
    copyStrided(b, c, 2, 2, 5, 3, 2);
    expect(Array.from(c)).toEqual([1, 2, 3, 7, 8, 4, 5, 6, 9, 10]);
    const back = new Float32Array(4);
    copyStrided(c, back, 2, 5, 2, 0, 2, 3);
    expect(Array.from(back)).toEqual([7, 8, 9, 10]);
    copyStrided(c, back, 2, 5, 2, 0, 2, 3, true);
    expect(Array.from(back)).toEqual([14, 16, 18, 20]);
  });
});
