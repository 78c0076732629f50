// The character vocabulary comes from the train part only: a character only the validation or test part
// has is "unknown" (id 3) there and absent from the vocabulary, and the validation part's frequencies do
// not choose which characters a small vocabulary keeps. Also the baselines on that split (take after the
// split included) and take(n)'s note for a part smaller than n.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { loadDataWithInfo } from "../../compiler/cli/data.js";
import { ngramBaselines } from "../../runtime/data/ngram.js";
import { loadPhrasePairs } from "../../runtime/data/phrases.js";
import { writeDict } from "../runtime/data/dictd.js";
import { UNKNOWN } from "../../runtime/data/text.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-data-vocab-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(dataDecl: string) {
  const fe = frontEnd(dataDecl, "data.dlm");
  expect(fe.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return loadDataWithInfo(fe.checked.data[0]!);
}

const ints = (a: ArrayLike<number>) => Array.from(a);
const sortedSet = (s: string) => [...new Set(s)].sort().join("");

/** The characters a vocabulary of `size` keeps of `text`: most frequent first (ties by code point), sorted. */
function expectedChars(text: string, size: number): string {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].charCodeAt(0) - b[0].charCodeAt(0))
    .slice(0, size - 4)
    .map(([c]) => c)
    .sort()
    .join("");
}

describe("chars(): the vocabulary of the train part", () => {
  // 8 examples of context 8 train, then 2 validation ones; "Z" and "!" occur only in the validation text
  const trainText = "abba cab, a cab by a bay\nabc bca cab abc cba bac abc acb abc bca";
  const validationText = " Z cab! a Z bay!b";
  const text = trainText + validationText;
  const file = join(dir, "tale.txt");
  writeFileSync(file, text);
  const decl = (split: string, vocab = 96) => `data D = text(file: ${JSON.stringify(file)}) |> chars(context: 8, vocab: ${vocab}) |> ${split}`;

  it("a character only in the validation part is unknown there and not in the vocabulary", () => {
    expect(trainText.length).toBe(64);
    const { parts, info } = load(decl("split(train: 0.8, validation: 0.2, shuffle: false)"));
    expect(parts.train!.count).toBe(8);
    expect(parts.validation!.count).toBe(2);
    const v = info.vocab!;
    // the train examples cover text[0, 65): their tokens and their last target
    expect(v.chars.join("")).toBe(sortedSet(text.slice(0, 65)));
    expect(v.chars).not.toContain("Z");
    expect(v.chars).not.toContain("!");
    const tokens = ints(parts.validation!.field("tokens").data);
    const want = [...text.slice(64, 80)].map((c) => (v.chars.includes(c) ? 4 + v.chars.indexOf(c) : UNKNOWN));
    expect(tokens).toEqual(want);
    expect(tokens.filter((x) => x === UNKNOWN).length).toBe(4); // Z, !, Z, !
    expect(ints(parts.validation!.field("targets").data)).toEqual([...text.slice(65, 81)].map((c) => (v.chars.includes(c) ? 4 + v.chars.indexOf(c) : UNKNOWN)));
    expect(ints(parts.train!.field("tokens").data)).not.toContain(UNKNOWN);
    expect(v.decode(parts.train!.field("tokens").data)).toBe(trainText);
  });

  it("a small vocabulary keeps the train part's most frequent characters, whatever validation has most", () => {
    // the validation text is mostly "Z": over the whole text it would be kept before train's rarer letters
    const t = "abcabcabacabcaba xyx yxy abab cabc abcab abacab abcabcab abcab".padEnd(64, "a") + "ZZZZZZZZZZZZZZZZZ";
    const f = join(dir, "skewed.txt");
    writeFileSync(f, t);
    const { parts, info } = load(`data D = text(file: ${JSON.stringify(f)}) |> chars(context: 8, vocab: 7) |> split(train: 0.8, validation: 0.2, shuffle: false)`);
    expect(parts.train!.count).toBe(8);
    expect(expectedChars(t, 7)).toContain("Z"); // what the whole text would have chosen
    expect(info.vocab!.chars.join("")).toBe(expectedChars(t.slice(0, 65), 7));
    expect(info.vocab!.chars).not.toContain("Z");
  });

  it("without a split the vocabulary is the whole text's (what the examples cover)", () => {
    const { parts, info } = load(`data D = text(file: ${JSON.stringify(file)}) |> chars(context: 8)`);
    expect(parts.all!.count).toBe(10);
    expect(info.vocab!.chars.join("")).toBe(sortedSet(text.slice(0, 81)));
    expect(info.vocab!.decode(parts.all!.field("tokens").data)).toBe(text.slice(0, 80));
  });

  it("a shuffled split takes the vocabulary from the examples that landed in train", () => {
    const { parts, info } = load(decl("split(train: 0.5, validation: 0.5, seed: 3)"));
    const v = info.vocab!;
    const train = parts.train!;
    // every character of a train example is in the vocabulary, and every vocabulary character is in one
    const trainChars = v.decode(train.field("tokens").data) + v.decode(train.field("targets").data);
    expect(ints(train.field("tokens").data)).not.toContain(UNKNOWN);
    expect(ints(train.field("targets").data)).not.toContain(UNKNOWN);
    expect(v.chars.join("")).toBe(sortedSet(trainChars));
    // the validation part holds exactly the characters the vocabulary lacks as unknown
    const val = ints(parts.validation!.field("tokens").data);
    const allTokens = text.slice(0, 80);
    const unknownInText = [...allTokens].filter((c) => !v.chars.includes(c)).length;
    expect(val.filter((x) => x === UNKNOWN).length).toBe(unknownInText);
  });

  it("is the same for the same seed, run after run", () => {
    const a = load(decl("split(train: 0.5, validation: 0.5, seed: 9)"));
    const b = load(decl("split(train: 0.5, validation: 0.5, seed: 9)"));
    expect(a.info.vocab!.chars).toEqual(b.info.vocab!.chars);
    expect(ints(a.parts.validation!.field("tokens").data)).toEqual(ints(b.parts.validation!.field("tokens").data));
  });

  it("the baselines count the same ids as the model, with take(train: n) after the split", () => {
    const { parts, info } = load(decl("split(train: 0.8, validation: 0.2, shuffle: false) |> take(train: 5)"));
    expect(parts.train!.count).toBe(5);
    const v = info.vocab!; // still the vocabulary of the split's whole train part
    expect(v.chars.join("")).toBe(sortedSet(text.slice(0, 65)));
    const ids = ints(v.encode(text));
    const want = ngramBaselines(ids.slice(0, 41), ids.slice(64, 81), [3, 4], { k: 0.1 });
    info.baseline!.orders.forEach((o, i) => expect(o.bitsPerChar).toBeCloseTo(want[i]!.bitsPerChar, 12));
    expect(info.baseline!.validationChars).toBe(17);
    expect(info.baseline!.trainChars).toBe(41);
  });
});

describe("char_pairs(): the vocabulary of the train pairs", () => {
  it("a character only the test pairs have is unknown there", () => {
    const entries: [string, string][] = [
      ["cat", "cat /kæt/\nKatze <f>\n\n"],
      ["dog", "dog /dɒɡ/\nHund <m>\n\n"],
      ["house", "house /haʊs/\nHaus <n>\n\n"],
      ["quiz", "quiz /kwɪz/\nQuiz <n>\n\n"],
    ];
    const dict = writeDict(dir, "tiny", entries);
    // the order phrase_pairs delivers (it shuffles with seed 0); the last pair is the test part
    const pairs = loadPhrasePairs(dict, { limit: null, seed: 0, kind: "headwords" });
    const { parts, info } = load(`data D = phrase_pairs(file: ${JSON.stringify(dict)}, kind: headwords) |> char_pairs(src_len: 6, tgt_len: 7) |> split(train: 3, test: rest, shuffle: false)`);
    const v = info.vocab!;
    const trainText = pairs.slice(0, 3).flatMap(([a, b]) => [a, b]).join("");
    expect(v.chars.join("")).toBe(sortedSet(trainText));
    const [src, tgt] = pairs[3]!;
    const id = (c: string) => (v.chars.includes(c) ? 4 + v.chars.indexOf(c) : UNKNOWN);
    const test = parts.test!;
    expect(ints(test.field("src").data)).toEqual([...src].map(id).concat(Array<number>(6 - src.length).fill(0)));
    expect(ints(test.field("tgt_in").data)).toEqual([1, ...[...tgt].map(id), ...Array<number>(6 - tgt.length).fill(0)]);
    expect(ints(test.field("tgt_out").data)).toEqual([...[...tgt].map(id), 2, ...Array<number>(6 - tgt.length).fill(0)]);
    const unseen = [...src + tgt].filter((c) => !trainText.includes(c));
    expect(unseen.length).toBeGreaterThan(0); // the made-up data has characters only the test pair holds
    for (const c of unseen) expect(v.chars).not.toContain(c);
    expect(ints(parts.train!.field("src").data)).not.toContain(UNKNOWN);
  });
});

describe("take(n) over parts of different sizes", () => {
  it("keeps a smaller part whole and says so", () => {
    const file = join(dir, "rows.csv");
    writeFileSync(file, "a,kind\n" + Array.from({ length: 10 }, (_, i) => `${i},${i % 3}`).join("\n") + "\n");
    const { parts, info } = load(`data D = csv(file: ${JSON.stringify(file)}, columns: ["a"], label: "kind") |> split(train: 7, test: rest, shuffle: false) |> take(5)`);
    expect(parts.train!.count).toBe(5);
    expect(ints(parts.test!.field("features").data)).toEqual([7, 8, 9]);
    expect(info.notes).toEqual(["take(5): test has 3 examples, kept all"]);
    const unsplit = load(`data D = csv(file: ${JSON.stringify(file)}, columns: ["a"], label: "kind") |> take(12)`);
    expect(unsplit.parts.all!.count).toBe(10);
    expect(unsplit.info.notes).toEqual(["take(12): the data has 10 examples, kept all"]);
    expect(load(`data D = csv(file: ${JSON.stringify(file)}, columns: ["a"], label: "kind") |> take(10)`).info.notes).toEqual([]);
  });
});
