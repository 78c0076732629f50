// The whole front end (parse + check) on random and mutated programs: it never throws, never hangs, and
// every diagnostic points inside the file. The grammar has its own, parser-only fuzzing; this one makes
// the checker face the partial trees that recovery produces.

import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import type { Diagnostic, SourceFile } from "../../grammar/source.js";

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".dlm"))
  .sort()
  .map((f) => readFileSync(`examples/${f}`, "utf8"));

// Tokens roughly as the lexer sees them, so mutations delete, insert and swap whole tokens.
const tokenize = (text: string) => text.match(/\s+|\/\/[^\n]*|\|>|[\p{L}_][\p{L}\p{N}_]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|"[^"\n]*"|./gu) ?? [];

function expectSane(text: string, diagnostics: readonly Diagnostic[], source: SourceFile): void {
  for (const d of diagnostics) {
    const { start, end } = d.span;
    expect(start.offset).toBeGreaterThanOrEqual(0);
    expect(end.offset).toBeLessThanOrEqual(source.text.length);
    expect(start.offset).toBeLessThanOrEqual(end.offset);
    expect(start.line).toBeGreaterThanOrEqual(1);
    expect(end.line).toBeLessThanOrEqual(source.lineStarts.length);
    expect(start.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  expect(source.text.length).toBeLessThanOrEqual(text.length);
}

const mutation = fc.record({
  example: fc.nat({ max: examples.length - 1 }),
  edits: fc.array(
    fc.record({
      kind: fc.constantFrom("delete", "insert", "swap", "duplicate"),
      at: fc.nat(),
      other: fc.nat(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

describe("front end under random input", () => {
  it("mutated examples (tokens deleted, inserted, swapped, duplicated)", () => {
    fc.assert(
      fc.property(mutation, ({ example, edits }) => {
        const tokens = tokenize(examples[example]!);
        for (const e of edits) {
          const i = e.at % tokens.length;
          const j = e.other % tokens.length;
          if (e.kind === "delete") tokens.splice(i, 1);
          else if (e.kind === "insert") tokens.splice(i, 0, tokens[j]!);
          else if (e.kind === "duplicate") tokens.splice(i, 0, tokens[i]!);
          else [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
        }
        const text = tokens.join("");
        const r = frontEnd(text, "mutated.dlm");
        expectSane(text, r.diagnostics, r.source);
      }),
      { numRuns: 1500, seed: 20261124 },
    );
  });

  it("random unicode text, NUL bytes and line-ending variants", () => {
    const noise = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
    );
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), noise, fc.nat(), fc.constantFrom("\n", "\r\n", "\r"), (k, junk, at, eol) => {
        const base = examples[k]!.replace(/\n/g, eol);
        const i = at % (base.length + 1);
        const text = (at % 3 === 0 ? "\ufeff" : "") + base.slice(0, i) + junk + "\u0000" + base.slice(i);
        const r = frontEnd(text, "noise.dlm");
        expectSane(text, r.diagnostics, r.source);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it("line endings and a BOM do not change the verdict on the examples", () => {
    for (const text of examples) {
      for (const variant of [text.replace(/\n/g, "\r\n"), text.replace(/\n/g, "\r"), "\ufeff" + text]) {
        const r = frontEnd(variant, "variant.dlm");
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      }
    }
  });
});

describe("front end on hostile sizes", () => {
  it("a 10,000-layer chain checks without a stack overflow", () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? "relu" : "Dense(8)")).join(" |> ");
    const text = `model Deep {\n  input x: f32[B, 8]\n  output y: f32[B, 8]\n  y = x |> ${chain}\n}\n`;
    const r = frontEnd(text, "deep.dlm");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.checked.models[0]?.layers.length).toBe(5_000);
  });

  it("nesting 10,000 deep is a clean diagnostic", () => {
    for (const [open, close] of [["(", ")"], ["[", "]"], ["f(", ")"]] as const) {
      const text = `model M {\n  input x: f32[B, 8]\n  output y: f32[B, 8]\n  y = ${open.repeat(10_000)}x${close.repeat(10_000)}\n}\n`;
      const r = frontEnd(text, "nested.dlm");
      expect(r.diagnostics.some((d) => d.code === "DLM5001")).toBe(true);
      expectSane(text, r.diagnostics, r.source);
    }
  });

  it("a 5 MB file is a clean diagnostic", () => {
    const text = examples.join("\n").repeat(Math.ceil(5e6 / examples.join("\n").length));
    const r = frontEnd(text, "huge.dlm");
    expect(r.diagnostics.map((d) => d.code)).toContain("DLM5002");
  });
});
