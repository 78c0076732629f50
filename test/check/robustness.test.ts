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

const valid = [
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = x |> repeat 2 relu }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] fc = Dense(4) y = x |> repeat 2 fc }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = x |> concat(x, axis: 1) |> Dense(4) }`,
];

const snippets = [
  `model M(d: int = d) { input x: f32[B, d] output y: f32[B, d] y = x }`,
  `model M(d: float = 1.5) { input x: f32[B, d] output y: f32[B, 2] y = x |> Dense(d) }`,
  `model M(d: tensor) { input x: f32[B] output y: f32[B] y = x }`,
  `model M { input x: u8[B] output y: f32[B] y = x }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = x |> repeat 0 Dense(4) }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] (a, b) = x y = a }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = x |> M }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = (x, x) |> Dense(4) }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = x |> 3 }`,
  `model M { input x: f32[B, 4] output y: f32[B, 4] y = Dense(4) }`,
  `model M { input x: f32[B, 4] output y f32[B, 4] y = x }`,
  `model N { input a: f32[B, 4] input b: f32[B, 4] output y: f32[B, 4] y = a + b }
   model M { input x: f32[B, 4] output y: f32[B, 4] n = N y = n(x, x) + (x |> n(x)) + (x |> N) }`,
  `data D = mnist() |> map(image) |> map(3) |> map(x: 3, x: image)`,
  `data D = 3`,
  `data D = mnist |> split`,
  `data D = mnist() data E = D`,
  `model M { input image: f32[B, 28, 28] output y: f32[B, 10] y = image |> flatten |> Dense(10) }
   data D = mnist()
   train M(vocab: "x", 3) on D { loss 3 optimizer sgd metrics 1, m: label, accuracy() validate every: 0, foo, early_stop schedule step clip -1 batch 0 seed 1.5 }`,
  `train X on Y { step { minimize 1 over a with b } step { } }`,
  `model G { input z: f32[B, 2] output o: f32[B, 2] o = z |> Dense(2) }
   data D = mnist()
   train T on D { g = G h = 3 fc = Dense(2) step { x = g(normal([B, 2, T])) minimize mean(x) over g, fc, h, q with adam } }`,
  `generate X(3) { prompt 3 steps -1 top_k 1.5 temperature -1 steps 2 }`,
  `model M { input t: i32[B, T] output l: f32[B, T, 5] l = t |> Embedding(5, 4) |> Dense(5) } generate M(v: 1) { }`,
];

describe("robustness", () => {
  test.each(snippets)("odd program %#: reports, never throws", (text) => {
    const p = parse(text, "odd.dlm");
    const r = check(p.ast);
    expect(p.diagnostics.length + r.diagnostics.length).toBeGreaterThan(0);
  });

  test.each(valid)("unusual but valid %#", (text) => {
    const p = parse(text, "ok.dlm");
    expect([...p.diagnostics, ...check(p.ast).diagnostics]).toEqual([]);
  });

  test("prefixes and one-character deletions (every 31st position) of the examples check without throwing", () => {
    for (const text of examples) {
      for (let cut = 0; cut < text.length; cut += 31) {
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

test("a chain of 2,000 models, each using the next, checks without overflowing the stack", () => {
  const n = 2000;
  const model = (i: number) =>
    `model M${i} {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x |> ${i + 1 < n ? `M${i + 1}` : "relu"}\n}\n`;
  const r = check(parse(Array.from({ length: n }, (_, i) => model(i)).join(""), "chain.dlm").ast);
  expect(r.program.models).toHaveLength(n);
  const deep = r.diagnostics.filter((d) => d.code === "DLM1015");
  expect(deep.length).toBeGreaterThan(0);
  expect(r.diagnostics.every((d) => d.code === "DLM1015")).toBe(true);
});
