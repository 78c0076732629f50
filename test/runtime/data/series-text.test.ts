// Series windows, statistics and standardization, label filtering, the character vocabulary and the
// chars / char_pairs example builders.

import { describe, expect, it } from "vitest";
import { Dataset } from "../../../runtime/data/dataset.js";
import { meanStd, onlyLabel, seriesWindows, standardizeFields, standardizeValues } from "../../../runtime/data/series.js";
import { ALPHABET, CharVocab, END, PAD, START, UNKNOWN, charExamples, charPairExamples } from "../../../runtime/data/text.js";

describe("series", () => {
  it("slides windows of size + horizon over the series", () => {
    const v = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const d = seriesWindows(v, 3, 2);
    expect(d.count).toBe(2);
    expect(d.field("window").shape).toEqual([3, 1]);
    expect(Array.from(d.field("window").data)).toEqual([1, 2, 3, 2, 3, 4]);
    expect(Array.from(d.field("target").data)).toEqual([4, 5, 5, 6]);
    expect(() => seriesWindows(v, 5, 2)).toThrow(/too short/);
  });

  it("standardizes with population statistics", () => {
    const s = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toEqual({ mean: 5, std: 2 });
    expect(Array.from(standardizeValues(Float32Array.from([5, 7, 1]), s))).toEqual([0, 1, -2]);
    expect(meanStd([3, 3]).std).toBe(1e-12);
    const d = new Dataset({ x: { data: Float32Array.from([1, 3]), shape: [] }, y: { data: Int32Array.from([0, 1]), shape: [] } });
    const z = standardizeFields(d, { x: meanStd(d.field("x").data) });
    expect(Array.from(z.field("x").data)).toEqual([-1, 1]);
    expect(() => standardizeFields(d, { y: { mean: 0, std: 1 } })).toThrow(/is i32, not f32/);
    expect(() => standardizeFields(d, { nope: { mean: 0, std: 1 } })).toThrow(/no field "nope"/);
  });

  it("keeps one label", () => {
    const d = new Dataset({ label: { data: Int32Array.from([1, 0, 1, 2]), shape: [] }, v: { data: Float32Array.from([10, 11, 12, 13]), shape: [] } });
    expect(Array.from(onlyLabel(d, 1).field("v").data)).toEqual([10, 12]);
  });
});

describe("CharVocab", () => {
  it("maps the alphabet after 4 reserved ids and round-trips text", () => {
    const v = new CharVocab(96);
    const ids = v.encode("Call me Ishmael.\r\nSome years ago\t~");
    expect(ids[0]).toBe(4 + ALPHABET.indexOf("C"));
    expect(Math.max(...ids)).toBeLessThan(96);
    expect(ids[ids.length - 1]).toBe(UNKNOWN); // "~" does not fit in 96
    expect(v.decode(ids)).toBe("Call me Ishmael.\nSome years ago ?");
    expect(v.decode([START, 4 + 2, PAD, END])).toBe("a");
    expect(new CharVocab(10).encode("e")[0]).toBe(UNKNOWN); // only newline, space, a–d fit in 10
    expect(new CharVocab(10).encode("d")[0]).toBe(9);
  });
});

describe("charExamples / charPairExamples", () => {
  it("cuts next-character examples in text order", () => {
    const ids = Int32Array.from([10, 11, 12, 13, 14, 15, 16]);
    const d = charExamples(ids, 3);
    expect(d.count).toBe(2);
    expect(Array.from(d.field("tokens").data)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(Array.from(d.field("targets").data)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(() => charExamples(ids, 7)).toThrow(/too few/);
  });

  it("builds src / tgt_in / tgt_out with start, end and padding, skipping pairs that do not fit", () => {
    const v = new CharVocab();
    const { dataset, skipped } = charPairExamples([["hi", "ab"], ["toolong", "x"], ["ok", "abcd"]], 4, 4, v);
    expect(skipped).toBe(2);
    expect(dataset.count).toBe(1);
    const e = (s: string) => Array.from(v.encode(s));
    expect(Array.from(dataset.field("src").data)).toEqual([...e("hi"), PAD, PAD]);
    expect(Array.from(dataset.field("tgt_in").data)).toEqual([START, ...e("ab"), PAD]);
    expect(Array.from(dataset.field("tgt_out").data)).toEqual([...e("ab"), END, PAD]);
    expect(Array.from(dataset.field("src_mask").data)).toEqual([1, 1, 0, 0]);
    expect(Array.from(dataset.field("tgt_mask").data)).toEqual([1, 1, 1, 0]); // over tgt_out: "ab" + end
  });
});
