// The n-gram baseline script reproduces ../shared/anchors/DATA.md on the real Moby Dick text (an npm
// dependency, so always present), and splits by position.

import { describe, expect, it } from "vitest";
import { ngramReport } from "../../scripts/ngram-baseline.js";
import { loadMobyDick } from "../../runtime/data/npm-datasets.js";
import { codeUnits, ngramBaselines } from "../../runtime/data/ngram.js";

describe("ngram-baseline", () => {
  it("splits at ⌊0.9 n⌋ by position", () => {
    const text = "abcabcabdabcabcabcabcaab\r\n";
    const r = ngramReport(text, { orders: [2] });
    const norm = text.replace("\r\n", "\n");
    expect(r.trainCharacters).toBe(Math.floor(0.9 * norm.length));
    expect(r.baselines[0]!.bitsPerChar).toBe(ngramBaselines(codeUnits(norm.slice(0, r.trainCharacters)), codeUnits(norm.slice(r.trainCharacters)), [2], { k: 0.1 })[0]!.bitsPerChar);
  });

  it("gives DATA.md's figures on Moby Dick: 4.50, 3.55, 2.91, 2.49 bits/char", () => {
    const r = ngramReport(loadMobyDick());
    expect(r.characters).toBe(1190317);
    expect(r.baselines.map((b) => b.bitsPerChar.toFixed(2))).toEqual(["4.50", "3.55", "2.91", "2.49"]);
  });
});
