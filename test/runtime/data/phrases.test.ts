// phrase_pairs on a small dictd dictionary written by the test (dictzip is gzip-compatible): example
// phrases and headword entries, annotation removal, transliteration, filtering, dedupe, seeded sampling
// and errors.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { indexPathFor, loadPhrasePairs } from "../../../runtime/data/phrases.js";
import { writeDict as writeDictIn } from "./dictd.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-dict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writeDict = (name: string, entries: [string, string][]): string => writeDictIn(dir, name, entries);

const entries: [string, string][] = [
  ["00-database-info", "00-database-info\nThis is a test dictionary, with commas.\n\n"],
  ["allay", "allay /ɐlˈeɪ/ <v>\nlindern <v, trans> [Schmerzen, Enttäuschung usw.], beruhigen\n see: {allaying}\n\n"],
  ["green house", "green house /ɡɹˈiːn/\nGewächshaus <n>; Treibhaus <n>\n\n"],
  ["street", "Street /stɹˈiːt/\nStraße <f>\n\n"],
  ["street", "Street /stɹˈiːt/\nGasse <f>\n\n"],
  ["cafe", "café /kˈafeɪ/\nCafé <n>\n\n"],
  ["long", "a very long headword that will not fit /x/\nkurz\n\n"],
  ["empty", "empty /ˈɛmpti/\n<adj>\n\n"],
];

const withExamples: [string, string][] = [
  ["service", "service /sˈɜːvɪs/\nDienst <m>\n      \"be out of service\"  - ausser Betrieb sein, stillstehen\n      \"out of service\"  - außer Betrieb <adj>\n\n"],
  ["out of service", "out of service /x/\nausser Betrieb\n      \"be out of service\"  - ausser Betrieb sein\n\n"],
  ["door", "door /dˈɔː/\nTür <f>\n      \"open the door [slightly]\"  - die Tür einen Spalt öffnen; die Tür aufmachen\n   Note: \"not an example\" - no leading blank\n      \"a café\" - ein Café\n      \"a far too long English example phrase\"  - kurz\n\n"],
];

describe("loadPhrasePairs", () => {
  it("reads the example phrases by default: quoted English, ' - ', the first translation, cleaned", () => {
    const path = writeDict("examples", withExamples);
    const pairs = loadPhrasePairs(path, { seed: 1 });
    const sorted = [...pairs].sort((a, b) => a[0].localeCompare(b[0]));
    expect(sorted).toEqual([
      ["be out of service", "ausser Betrieb sein"],
      ["open the door", "die Tuer einen Spalt oeffnen"],
      ["out of service", "ausser Betrieb"],
    ]);
    expect(() => loadPhrasePairs(writeDict("no-examples", entries))).toThrow(/no usable phrase pairs found \(example phrases\)/);
  });

  it("parses, cleans, filters and dedupes headword entries", () => {
    const path = writeDict("test", entries);
    const pairs = loadPhrasePairs(path, { seed: 1, kind: "headwords" });
    const sorted = [...pairs].sort((a, b) => a[0].localeCompare(b[0]));
    expect(sorted).toEqual([
      ["allay", "lindern"],
      ["green house", "Gewaechshaus"],
      ["Street", "Strasse"],
    ]);
  });

  it("samples `limit` pairs reproducibly for a seed", () => {
    const many: [string, string][] = Array.from({ length: 50 }, (_, i) => [`word${i}`, `word${i} /w/\nWort${i}\n\n`]);
    const path = writeDict("many", many);
    const a = loadPhrasePairs(path, { limit: 10, seed: 3, kind: "headwords" });
    expect(a.length).toBe(10);
    expect(loadPhrasePairs(path, { limit: 10, seed: 3, kind: "headwords" })).toEqual(a);
    expect(loadPhrasePairs(path, { limit: 10, seed: 4, kind: "headwords" })).not.toEqual(a);
    for (const [en, de] of a) expect(de).toBe(`Wort${en.slice(4)}`);
  });

  it("names missing files and broken indexes", () => {
    expect(() => loadPhrasePairs(join(dir, "none.dict.dz"))).toThrow(/none\.dict\.dz: not found; install it with: apt-get install dict-freedict-eng-deu/);
    const path = writeDict("broken", [["a", "a /a/\nb\n\n"]]);
    writeFileSync(indexPathFor(path), "a\tZZZZ\tB\n");
    expect(() => loadPhrasePairs(path, { kind: "headwords" })).toThrow(/broken\.index: 1: entry "a" points outside the dictionary/);
    writeFileSync(indexPathFor(path), "just one field\n");
    expect(() => loadPhrasePairs(path, { kind: "headwords" })).toThrow(/broken\.index: 1: expected word, offset and length/);
  });
});
