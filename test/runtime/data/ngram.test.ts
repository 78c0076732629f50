// Character n-gram baselines against a direct reference: the model written out with string keys
// (no packing, no rolling context), plus a case small enough to compute by hand.

import { describe, expect, it } from "vitest";
import { codeUnits, denseSymbols, ngramBaselines, ngramBitsPerChar } from "../../../runtime/data/ngram.js";
import { mulberry32 } from "../../support/random.js";

/** The add-k n-gram model, spelled out: contexts are substrings, the alphabet is the set of characters. */
function reference(train: string, validation: string, order: number, k: number): number {
  const alphabet = new Set([...train, ...validation]).size;
  const ctx = new Map<string, number>();
  const full = new Map<string, number>();
  for (let i = order - 1; i < train.length; i++) {
    const c = train.slice(i - order + 1, i);
    ctx.set(c, (ctx.get(c) ?? 0) + 1);
    full.set(c + "|" + train[i], (full.get(c + "|" + train[i]) ?? 0) + 1);
  }
  let bits = 0;
  let n = 0;
  for (let i = order - 1; i < validation.length; i++) {
    const c = validation.slice(i - order + 1, i);
    bits -= Math.log2(((full.get(c + "|" + validation[i]) ?? 0) + k) / ((ctx.get(c) ?? 0) + k * alphabet));
    n++;
  }
  return bits / n;
}

describe("ngramBitsPerChar", () => {
  it("matches a hand computation: bigrams of 'abab' scored on 'ab'", () => {
    // alphabet {a, b}; train bigrams ab, ba, ab: context a seen twice, both times → b.
    // Validation "ab" scores one bigram: P(b | a) = (2 + 1)/(2 + 1·2) with k = 1.
    const d = denseSymbols(codeUnits("abab"), codeUnits("ab"));
    expect(ngramBitsPerChar(d.train, d.validation, 2, d.alphabet, { k: 1 })).toBeCloseTo(-Math.log2(3 / 4), 12);
    // unigram: counts a 2, b 2 of 4; validation "ab": each (2 + 1)/(4 + 2)
    expect(ngramBitsPerChar(d.train, d.validation, 1, d.alphabet, { k: 1 })).toBeCloseTo(1, 12);
  });

  it("agrees with the string-keyed reference on random text, orders 1 to 4, several k", () => {
    const rand = mulberry32(11);
    const letters = "abcde fgh\n";
    // a skewed source so that higher orders help
    const text = Array.from({ length: 4000 }, (_, i) => (i % 7 === 0 ? " " : letters[Math.floor(rand() ** 2 * letters.length)]!)).join("");
    const train = text.slice(0, 3600);
    const validation = text.slice(3600);
    for (const k of [0.1, 1]) {
      const got = ngramBaselines(codeUnits(train), codeUnits(validation), [1, 2, 3, 4], { k });
      for (const g of got) expect(g.bitsPerChar).toBeCloseTo(reference(train, validation, g.order, k), 9);
    }
  });

  it("refuses a validation part shorter than the order", () => {
    const d = denseSymbols([1, 2, 3], [1, 2]);
    expect(() => ngramBitsPerChar(d.train, d.validation, 3, d.alphabet)).toThrow(/too few/);
  });
});
