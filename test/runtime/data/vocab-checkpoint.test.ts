// The character vocabulary built from a text, and its trip through checkpoint metadata.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../../../runtime/checkpoint.js";
import { CharVocab, UNKNOWN } from "../../../runtime/data/text.js";
import { readCheckpointVocab, saveVocabToCheckpoint, vocabFromMetadata, vocabToMetadata } from "../../../runtime/data/vocab-checkpoint.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-vocab-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("CharVocab.fromText", () => {
  it("keeps the most frequent characters, in code-point order, after the 4 reserved ids", () => {
    const v = CharVocab.fromText("banana\tband\r\n", 8); // a 4, n 3, b 2, then " ", "\n", d 1 each
    expect(v.chars).toEqual(["a", "b", "n", "\n"].sort());
    expect(Array.from(v.encode("ban\n"))).toEqual([4 + v.chars.indexOf("b"), 4 + v.chars.indexOf("a"), 4 + v.chars.indexOf("n"), 4 + v.chars.indexOf("\n")]);
    expect(v.encode("d")[0]).toBe(UNKNOWN);
    expect(v.decode(v.encode("nab"))).toBe("nab");
  });

  it("a text with fewer characters than the vocabulary leaves ids unused", () => {
    const v = CharVocab.fromText(["xy", "yz"], 96);
    expect(v.chars).toEqual(["x", "y", "z"]);
    expect(v.used).toBe(7);
    expect(v.decode([4, 5, 6, 50])).toBe("xyz");
  });
});

describe("the vocabulary in a checkpoint", () => {
  it("round-trips through metadata, with newlines, quotes and non-ASCII characters", () => {
    const v = CharVocab.fromText('He said "ahoy"\n— Ahab, ünd ß', 96);
    const back = vocabFromMetadata(vocabToMetadata(v))!;
    expect(back.size).toBe(96);
    expect(back.chars).toEqual(v.chars);
    expect(vocabFromMetadata({})).toBeUndefined();
    expect(() => vocabFromMetadata({ "dlm.vocab": "{" }, "m.safetensors")).toThrow(/m\.safetensors: metadata dlm\.vocab is not JSON/);
    expect(() => vocabFromMetadata({ "dlm.vocab": '{"size":96,"chars":"aa"}' })).toThrow(/repeated character/);
  });

  it("is added to a saved checkpoint without touching its tensors or other metadata", async () => {
    const path = join(dir, "m.safetensors");
    const w = new Float32Array([1, 2, 3]);
    await saveCheckpoint(path, { w: { dtype: "F32", shape: [3], data: w } }, { "dlm.model": "M" });
    expect(await readCheckpointVocab(path)).toBeUndefined();
    const v = CharVocab.fromText("call me ishmael", 20);
    await saveVocabToCheckpoint(path, v);
    const c = await loadCheckpoint(path);
    expect(Array.from(c.tensors.w!.data as Float32Array)).toEqual([1, 2, 3]);
    expect(c.metadata["dlm.model"]).toBe("M");
    const read = (await readCheckpointVocab(path))!;
    expect(read.chars).toEqual(v.chars);
    expect(read.size).toBe(20);
  });
});
