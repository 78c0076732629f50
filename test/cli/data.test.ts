// dlm train's data pipelines on small files the test writes: text → chars with the vocabulary and the
// baselines on the model's own split, CSV series → standardize (train statistics) → windows → split,
// phrase pairs → char_pairs with masks, take, csv examples, and the messages for what is missing.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { loadDataWithInfo } from "../../compiler/cli/data.js";
import { codeUnits, ngramBaselines } from "../../runtime/data/ngram.js";
import { writeDict } from "../runtime/data/dictd.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-cli-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(dataDecl: string) {
  const fe = frontEnd(dataDecl, "data.dlm");
  const errors = fe.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([]);
  return loadDataWithInfo(fe.checked.data[0]!);
}

const ints = (a: ArrayLike<number>) => Array.from(a);

describe("text → chars", () => {
  const text = "the whale, the sea; the ship and the sailor.\n".repeat(20);
  const file = join(dir, "book.txt");
  writeFileSync(file, text);

  it("builds the vocabulary from the text and cuts next-character windows", () => {
    const { parts, info } = load(`data D = text(file: ${JSON.stringify(file)}) |> chars(context: 8, vocab: 40)`);
    const v = info.vocab!;
    expect(v.chars.join("")).toBe([...new Set(text)].sort().join(""));
    const all = parts.all!;
    expect(all.count).toBe(Math.floor((text.length - 1) / 8));
    expect(v.decode(all.field("tokens").data.subarray(0, 8))).toBe(text.slice(0, 8));
    expect(v.decode(all.field("targets").data.subarray(0, 8))).toBe(text.slice(1, 9));
    expect(info.baseline).toBeUndefined(); // no split
  });

  it("an unshuffled train/validation split gets n-gram baselines on the same cut", () => {
    const { parts, info } = load(`data D = text(file: ${JSON.stringify(file)}) |> chars(context: 8) |> split(train: 0.75, validation: 0.25, shuffle: false)`);
    const nTrain = parts.train!.count;
    const nVal = parts.validation!.count;
    const b = info.baseline!;
    const want = ngramBaselines(codeUnits(text.slice(0, nTrain * 8 + 1)), codeUnits(text.slice(nTrain * 8, (nTrain + nVal) * 8 + 1)), [3, 4], { k: 0.1 });
    expect(b.orders.map((o) => o.order)).toEqual([3, 4]);
    b.orders.forEach((o, i) => expect(o.bitsPerChar).toBeCloseTo(want[i]!.bitsPerChar, 10));
    expect(b.orders[1]!.bitsPerChar).toBeLessThan(1); // a repeated sentence is easy to predict
  });

  it("a shuffled split has no baseline by position", () => {
    const { info } = load(`data D = text(file: ${JSON.stringify(file)}) |> chars(context: 8) |> split(train: 0.75, validation: 0.25)`);
    expect(info.baseline).toBeUndefined();
  });

  it("a missing text file is one message naming it", () => {
    expect(() => load(`data D = text(file: ${JSON.stringify(join(dir, "nope.txt"))}) |> chars(context: 8)`)).toThrow(/nope\.txt: cannot read \(ENOENT\)/);
  });
});

describe("series", () => {
  const values = Array.from({ length: 30 }, (_, i) => i * i);
  const file = join(dir, "series.csv");
  writeFileSync(file, "day,count\n" + values.map((v, i) => `${i},${v}`).join("\n") + "\n");

  it("standardize takes its statistics from the values the train windows see", () => {
    const { parts, info } = load(`data D = csv_series(file: ${JSON.stringify(file)}, column: "count") |> standardize |> windows(size: 4, horizon: 2) |> split(train: rest, test: 5, shuffle: false)`);
    // 30 values → 25 windows; train = 20 windows, which cover values 0 … 20 + 4 + 2 − 2 = 24
    const seen = values.slice(0, 25);
    const mean = seen.reduce((a, b) => a + b, 0) / seen.length;
    const std = Math.sqrt(seen.reduce((a, b) => a + (b - mean) ** 2, 0) / seen.length);
    expect(info.stats.value!.mean).toBeCloseTo(mean, 9);
    expect(info.stats.value!.std).toBeCloseTo(std, 9);
    expect(parts.train!.count).toBe(20);
    expect(parts.test!.count).toBe(5);
    const z = (v: number) => (v - mean) / std;
    const test = parts.test!;
    expect(ints(test.field("window").data.subarray(0, 4)).map((x) => +x.toFixed(4))).toEqual(values.slice(20, 24).map((v) => +z(v).toFixed(4)));
    expect(test.field("window").shape).toEqual([4, 1]);
    expect(ints(test.field("target").data.subarray(0, 2)).map((x) => +x.toFixed(4))).toEqual(values.slice(24, 26).map((v) => +z(v).toFixed(4)));
  });

  it("a missing column is one message naming the file and the columns", () => {
    expect(() => load(`data D = csv_series(file: ${JSON.stringify(file)}, column: "births") |> windows(size: 4)`)).toThrow(/series\.csv: no column "births" \(columns: day, count\)/);
  });
});

describe("examples: csv, standardize before a split, take", () => {
  const file = join(dir, "flowers.csv");
  const rows = Array.from({ length: 10 }, (_, i) => `${i},${10 * i},${i % 2 === 0 ? "rose" : "iris"}`);
  writeFileSync(file, "a,b,kind\n" + rows.join("\n") + "\n");

  it("standardize waits for the split and uses the train part's statistics", () => {
    const { parts, info } = load(`data D = csv(file: ${JSON.stringify(file)}, columns: ["a", "b"], label: "kind") |> standardize |> split(train: 6, test: rest, shuffle: false)`);
    // train rows 0..5: both columns together (features is one field), values 0..5 and 0..50
    const seen = [0, 1, 2, 3, 4, 5].flatMap((i) => [i, 10 * i]);
    const mean = seen.reduce((a, b) => a + b, 0) / seen.length;
    expect(info.stats.features!.mean).toBeCloseTo(mean, 9);
    expect(parts.train!.count).toBe(6);
    expect(ints(parts.train!.field("label").data)).toEqual([1, 0, 1, 0, 1, 0]); // iris 0, rose 1 (sorted names)
    expect(parts.test!.field("features").data[0]).toBeCloseTo((6 - mean) / info.stats.features!.std, 5);
  });

  it("take(n) keeps the first n of every part; take(train: n) only of train", () => {
    const base = `data D = csv(file: ${JSON.stringify(file)}, columns: ["a"], label: "kind") |> split(train: 7, test: rest, shuffle: false)`;
    const a = load(`${base} |> take(train: 4)`).parts;
    expect(ints(a.train!.field("features").data)).toEqual([0, 1, 2, 3]);
    expect(a.test!.count).toBe(3);
    const b = load(`${base} |> take(2)`).parts;
    expect(ints(b.test!.field("features").data)).toEqual([7, 8]);
    expect(() => load(`${base} |> take(train: 8)`)).toThrow(/take: 8 examples asked of the train part, which has 7/);
  });

  it("the checker refuses take(train: n) on unsplit data", () => {
    const fe = frontEnd(`data D = csv(file: "x.csv", columns: ["a"], label: "kind") |> take(train: 3)`, "d.dlm");
    expect(fe.diagnostics.map((d) => d.message)).toContain("take(train: …) needs split data; use take(n)");
  });
});

describe("phrase pairs", () => {
  it("char_pairs pads, masks and builds one vocabulary from both sides", () => {
    const entries: [string, string][] = [
      ["cat", "cat /kæt/\nKatze <f>\n\n"],
      ["dog", "dog /dɒɡ/\nHund <m>\n\n"],
      ["house", "house /haʊs/\nHaus <n>\n\n"],
    ];
    const dict = writeDict(dir, "tiny", entries);
    const { parts, info } = load(`data D = phrase_pairs(file: ${JSON.stringify(dict)}, kind: headwords) |> char_pairs(src_len: 5, tgt_len: 6)`);
    const v = info.vocab!;
    expect(v.chars.join("")).toBe([...new Set("catdoghouseKatzeHundHaus")].sort().join(""));
    const all = parts.all!;
    expect(all.count).toBe(3);
    const k = ints(all.field("src_mask").data).reduce((a, b) => a + b, 0);
    expect(k).toBe(3 + 3 + 5);
    const t = ints(all.field("tgt_mask").data).reduce((a, b) => a + b, 0);
    expect(t).toBe(6 + 5 + 5); // each German word + end
    // max_length drops pairs with a side longer than it: only dog → Hund has both within 4
    const short = load(`data D = phrase_pairs(file: ${JSON.stringify(dict)}, kind: headwords, max_length: 4) |> char_pairs(src_len: 5, tgt_len: 6)`);
    expect(short.parts.all!.count).toBe(1);
  });

  it("a missing dictionary names the Debian package to install", () => {
    expect(() => load(`data D = phrase_pairs(file: ${JSON.stringify(join(dir, "none.dict.dz"))}) |> char_pairs(src_len: 8, tgt_len: 8)`)).toThrow(
      /none\.dict\.dz: not found; install it with: apt-get install dict-freedict-eng-deu/,
    );
  });
});
