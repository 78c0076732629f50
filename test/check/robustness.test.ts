// The checker never throws on what the parser produces (partial trees from broken text included),
// and long pipes are iterated, not recursed over.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "../../grammar/index.js";
import { check } from "../../compiler/check/index.js";
import { examplesDir } from "./helpers.js";

const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => readFileSync(join(examplesDir, f), "utf8"));

describe("robustness", () => {
  test("every prefix and every one-character deletion of the examples checks without throwing", () => {
    for (const text of examples) {
      for (let cut = 0; cut < text.length; cut += 7) {
        expect(() => check(parse(text.slice(0, cut), "t.dlm").ast)).not.toThrow();
        expect(() => check(parse(text.slice(0, cut) + text.slice(cut + 1), "t.dlm").ast)).not.toThrow();
      }
    }
  });

  test("random token soup never throws", () => {
    const words = ["model", "input", "output", "data", "train", "on", "step", "minimize", "over", "with", "repeat", "generate", "x", "Dense", "Conv2d", "relu", "|>", "=", "(", ")", "[", "]", "{", "}", ",", ":", "f32", "i32", "B", "3", "0.5", "-", "+", "*", "/", "_", "\"s\"", "true", "\n", "concat", "split", "mnist()", "LSTM", "T"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 60 }), (toks) => {
        const r = check(parse(toks.join(" "), "soup.dlm").ast);
        return Array.isArray(r.diagnostics);
      }),
      { numRuns: 300 },
    );
  });

  test("a pipe of 10,000 stages", () => {
    const text = `model M {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x${" |> relu".repeat(10000)}\n}\n`;
    const parsed = parse(text, "long.dlm");
    expect(parsed.diagnostics).toEqual([]);
    const r = check(parsed.ast);
    expect(r.diagnostics).toEqual([]);
    expect(r.program.models[0]!.graph.ops).toHaveLength(10000);
  });

  test("an error in every model of a file is reported, each once", () => {
    const one = (i: number) => `model M${i} {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x |> Dense(${i === 0 ? 4 : 5})\n}\n`;
    const r = check(parse(Array.from({ length: 20 }, (_, i) => one(i)).join("\n"), "many.dlm").ast);
    expect(r.diagnostics.filter((d) => d.code === "DLM2002")).toHaveLength(19);
  });
});
