// Dataset construction, reshape, subset, split (fractions/counts, seeded or in order) and the Batcher's
// drop/pad policies with preallocated buffers.

import { describe, expect, it } from "vitest";
import { Batcher, Dataset } from "../../../runtime/data/dataset.js";
import { createRng } from "../../../runtime/rng.js";

// example i has x = [i, i + 0.5] and label i
function numbered(n: number): Dataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = i + 0.5;
  }
  return new Dataset({ x: { data: x, shape: [2] }, label: { data: Int32Array.from({ length: n }, (_, i) => i), shape: [] } });
}

describe("Dataset", () => {
  it("checks that fields agree on the count and divide evenly", () => {
    expect(numbered(5).count).toBe(5);
    expect(() => new Dataset({ a: { data: new Float32Array(6), shape: [2] }, b: { data: new Int32Array(4), shape: [] } })).toThrow(
      /field "b" has 4 examples but "a" has 3/,
    );
    expect(() => new Dataset({ a: { data: new Float32Array(5), shape: [2] } })).toThrow(/not a whole number/);
    expect(() => numbered(3).field("y")).toThrow(/no field "y" \(fields: x, label\)/);
  });

  it("wraps an image set as image and label fields", () => {
    const d = Dataset.fromImages({ images: new Float32Array(2 * 6), labels: Int32Array.from([3, 1]), shape: [2, 3] });
    expect(d.count).toBe(2);
    expect(d.field("image").shape).toEqual([2, 3]);
    expect(d.field("image").size).toBe(6);
    expect(Array.from(d.field("label").data)).toEqual([3, 1]);
  });

  it("reshapes a field without copying and rejects size changes", () => {
    const d = numbered(4).reshape("x", [1, 2, 1]);
    expect(d.field("x").shape).toEqual([1, 2, 1]);
    expect(() => d.reshape("x", [3])).toThrow(/sizes differ/);
  });

  it("subset copies the chosen examples in order", () => {
    const s = numbered(6).subset(Int32Array.from([4, 1]));
    expect(Array.from(s.field("x").data)).toEqual([4, 4.5, 1, 1.5]);
    expect(Array.from(s.field("label").data)).toEqual([4, 1]);
    expect(s.field("label").data).toBeInstanceOf(Int32Array);
  });
});

describe("split", () => {
  it("splits by fractions in order, sizes adding up to the count", () => {
    const parts = numbered(10).split({ train: 0.7, validation: 0.1, test: 0.2 }, null);
    expect(Array.from(parts.train!.field("label").data)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(parts.validation!.field("label").data)).toEqual([7]);
    expect(Array.from(parts.test!.field("label").data)).toEqual([8, 9]);
    const odd = numbered(7).split({ a: 1 / 3, b: 1 / 3, c: 1 / 3 }, null);
    expect(odd.a!.count + odd.b!.count + odd.c!.count).toBe(7);
  });

  it("splits by counts, shuffled reproducibly by the rng, each example in exactly one part", () => {
    const d = numbered(50);
    const p1 = d.split({ train: 30, test: 15 }, createRng(7).fork("split"));
    const p2 = d.split({ train: 30, test: 15 }, createRng(7).fork("split"));
    expect(Array.from(p1.train!.field("label").data)).toEqual(Array.from(p2.train!.field("label").data));
    const all = [...p1.train!.field("label").data, ...p1.test!.field("label").data];
    expect(new Set(all).size).toBe(45);
    expect(Array.from(p1.train!.field("label").data)).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
    // fields stay aligned after shuffling
    const tr = p1.train!;
    for (let r = 0; r < tr.count; r++) expect(tr.field("x").data[2 * r]).toBe(tr.field("label").data[r]);
  });

  it("rejects bad sizes", () => {
    const d = numbered(10);
    expect(() => d.split({ a: 0.8, b: 0.3 }, null)).toThrow(/sum to 1.1/);
    expect(() => d.split({ a: 8, b: 3 }, null)).toThrow(/asks for 11 examples but the dataset has 10/);
    expect(() => d.split({ a: 0.5, b: 3 }, null)).toThrow(/all fractions .* or all whole counts/);
  });
});

describe("Batcher", () => {
  it("drop mode: full batches only, every epoch a new reproducible order", () => {
    const d = numbered(10);
    const b = new Batcher(d, 4, { shuffle: createRng(1).fork("shuffle"), partial: "drop" });
    expect(b.batchesPerEpoch).toBe(2);
    const xBuf = b.buffers.x!;
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      b.startEpoch();
      const seen: number[] = [];
      let n: number;
      while ((n = b.next()) > 0) {
        expect(n).toBe(4);
        expect(b.buffers.x).toBe(xBuf); // same buffer every batch
        const lab = b.buffers.label!;
        for (let r = 0; r < n; r++) {
          seen.push(lab[r]!);
          expect(xBuf[2 * r]).toBe(lab[r]);
          expect(xBuf[2 * r + 1]).toBe(lab[r]! + 0.5);
        }
      }
      expect(seen.length).toBe(8);
      epochs.push(seen);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    const again = new Batcher(d, 4, { shuffle: createRng(1).fork("shuffle"), partial: "drop" });
    again.startEpoch();
    again.next();
    expect(Array.from(again.buffers.label!)).toEqual(epochs[0]!.slice(0, 4));
  });

  it("pad mode: the last batch has its real count, zero padding and a mask", () => {
    const b = new Batcher(numbered(5), 3, { shuffle: null, partial: "pad" });
    expect(b.batchesPerEpoch).toBe(2);
    b.startEpoch();
    expect(b.next()).toBe(3);
    expect(Array.from(b.buffers.label!)).toEqual([0, 1, 2]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1]);
    expect(b.next()).toBe(2);
    expect(Array.from(b.buffers.label!)).toEqual([3, 4, 0]);
    expect(Array.from(b.buffers.x!)).toEqual([3, 3.5, 4, 4.5, 0, 0]);
    expect(Array.from(b.mask)).toEqual([1, 1, 0]);
    expect(b.next()).toBe(0);
  });

  it("returns nothing before startEpoch and rejects a bad batch size", () => {
    const b = new Batcher(numbered(5), 2, { shuffle: null, partial: "drop" });
    expect(b.next()).toBe(0);
    expect(() => new Batcher(numbered(5), 0, { shuffle: null, partial: "drop" })).toThrow(RangeError);
  });
});
