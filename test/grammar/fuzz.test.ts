// Property-based robustness of parse(): for any input it returns (never throws) in bounded time, every
// diagnostic and node span lies inside the file and every node inside its parent, the tree obeys the
// AST contract and has bounded depth, and nodes that name text (identifiers, names, numbers) span
// exactly that text. Inputs: random strings and bytes, token soups, mutated examples, line-ending, BOM,
// whitespace and renaming variants of the examples (which must keep parsing cleanly, to the same tree).

import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Node } from "../../grammar/ast.js";
import { diagnosticCodes } from "../../grammar/diagnostics.js";
import { MAX_AST_DEPTH, parse } from "../../grammar/index.js";
import { lex } from "../../grammar/lexer.js";
import { sourceFile } from "../../grammar/source.js";
import { Identifier } from "../../grammar/tokens.js";
import { astDepth, childrenOf, formatDiagnostics, shapeProblems, spanProblems, withoutSpans } from "./helpers.js";

const dir = new URL("../../examples/", import.meta.url);
const examples = readdirSync(dir)
  .filter((f) => f.endsWith(".dlm"))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(new URL(f, dir), "utf8") }));

/** Everything parse() promises for any input; returns the result for further checks. */
function checkInvariants(text: string) {
  const t0 = process.cpuUsage();
  const r = parse(text, "fuzz.dlm");
  const used = process.cpuUsage(t0);
  expect((used.user + used.system) / 1000).toBeLessThan(2000);
  const problems = [...spanProblems(r.source, r.diagnostics, r.ast), ...shapeProblems(r.ast)];
  for (const d of r.diagnostics) {
    if (!(d.code in diagnosticCodes) || !/^DLM[05]/.test(d.code) || d.code === "DLM0099") {
      problems.push(`unexpected code ${d.code}: ${d.message}`);
    }
    if (d.message.length === 0) problems.push(`empty message for ${d.code}`);
    // Messages speak the user's language, never the grammar's token or rule names.
    if (/CallLParen|LParen|RParen|LCurly|RCurly|LBracket|RBracket|PipeOp|NumberLit|StringLit|Identifier|EOF|-->|<--|\bcst\b/.test(d.message)) {
      problems.push(`internal name in message: ${d.message}`);
    }
  }
  const stack: Node[] = [r.ast];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const slice = r.source.text.slice(n.span.start.offset, n.span.end.offset);
    if ((n.kind === "Identifier" || n.kind === "Name") && slice !== n.name) problems.push(`${n.kind} ${n.name} spans '${slice}'`);
    if (n.kind === "NumberLit" && slice !== n.raw) problems.push(`NumberLit ${n.raw} spans '${slice}'`);
    stack.push(...childrenOf(n));
  }
  expect(problems).toEqual([]);
  expect(astDepth(r.ast)).toBeLessThanOrEqual(MAX_AST_DEPTH + 8);
  return r;
}

const vocabulary = [
  "model", "data", "train", "generate", "input", "output", "on", "step", "minimize", "over", "with", "repeat",
  "true", "false", "_", "x", "Dense", "f32", "B", "train:", "1", "0.5", "1e-3", "3x", '"s"', '"\\q"', '"open',
  "(", ")", "[", "]", "{", "}", ",", ":", "=", "|>", "+", "-", "*", "/", "\n", " ", "§", "\u0000", "/*", "*/",
  "// c\n", "\r\n", "\uD800", "é",
];
const vocab = fc.constantFrom(...vocabulary);
// Fixed seeds keep CI reproducible; FUZZ_SEED=<n> FUZZ_SCALE=<k> explores further (k times the runs).
const envSeed = process.env["FUZZ_SEED"];
const scale = Number(process.env["FUZZ_SCALE"] ?? "1");
const params = (numRuns: number, seed: number) => ({ numRuns: Math.round(numRuns * scale), seed: envSeed ? Number(envSeed) : seed });
const separator = fc.constantFrom("", " ", "\n");

describe("random input never breaks parse()", () => {
  const runs = (n: number) => params(n, 20261124);

  test("random unicode strings (full code point range)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => void checkInvariants(s)), runs(600));
  });

  test("random grapheme strings", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => void checkInvariants(s)), runs(300));
  });

  test("random UTF-16 code units, lone surrogates and NULs included", () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 });
    fc.assert(fc.property(units, (u) => void checkInvariants(String.fromCharCode(...u))), runs(400));
  });

  test("random bytes decoded as latin1 and utf8", () => {
    const enc = fc.constantFrom<BufferEncoding>("latin1", "utf8");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), enc, (b, e) => void checkInvariants(Buffer.from(b).toString(e))),
      runs(400),
    );
  });

  test("token soups", () => {
    const soup = fc.array(fc.tuple(vocab, separator), { maxLength: 120 });
    fc.assert(fc.property(soup, (parts) => void checkInvariants(parts.map(([t, s]) => t + s).join(""))), runs(3000));
  });

  test("token soups inside a model body and a train block", () => {
    const soup = fc.array(fc.tuple(vocab, separator), { maxLength: 40 });
    fc.assert(
      fc.property(soup, fc.boolean(), (parts, inModel) => {
        const body = parts.map(([t, s]) => t + s).join("");
        const text = inModel ? `model M {\n  y = x\n  ${body}\n  z = y\n}\ndata D = 1` : `train M on D {\n  batch 1\n  ${body}\n}\ndata D = 1`;
        const r = checkInvariants(text);
        // The declaration after the soup survives unless the soup itself opened a declaration or a comment.
        if (!/model|data|train|generate|\/\*|"/.test(body)) expect(r.ast.items.at(-1)?.kind).toBe("DataDecl");
      }),
      runs(2000),
    );
  });
});

type Mutation = { op: "delete" | "insert" | "swap" | "duplicate" | "charDelete" | "charInsert"; at: number; what: string };

function mutate(text: string, mutations: Mutation[]): string {
  for (const m of mutations) {
    const tokens = lex(sourceFile("m.dlm", text)).tokens;
    if (m.op === "charDelete" || m.op === "charInsert" || tokens.length < 2) {
      const i = m.at % (text.length + 1);
      text = m.op === "charDelete" ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + m.what + text.slice(i);
      continue;
    }
    const i = m.at % (tokens.length - 1);
    const t = tokens[i]!;
    const u = tokens[i + 1]!;
    const [ts, te] = [t.startOffset, t.startOffset + t.image.length];
    const [us, ue] = [u.startOffset, u.startOffset + u.image.length];
    if (m.op === "delete") text = text.slice(0, ts) + text.slice(te);
    else if (m.op === "insert") text = text.slice(0, ts) + m.what + " " + text.slice(ts);
    else if (m.op === "duplicate") text = text.slice(0, te) + " " + t.image + text.slice(te);
    else text = text.slice(0, ts) + u.image + text.slice(te, us) + t.image + text.slice(ue);
  }
  return text;
}

describe("mutated examples", () => {
  const mutation = fc.record({
    op: fc.constantFrom<Mutation["op"]>("delete", "insert", "swap", "duplicate", "charDelete", "charInsert"),
    at: fc.nat(),
    what: vocab,
  });

  test("1 to 4 random edits of tokens or characters", () => {
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (k, ms) => {
        checkInvariants(mutate(examples[k]!.text, ms));
      }),
      params(3000, 7),
    );
  });

  test("NUL bytes before tokens: reported as U+0000, never a crash", () => {
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (k, at) => {
        let text = examples[k]!.text;
        for (const a of at) {
          const tokens = lex(sourceFile("n", text)).tokens;
          const i = tokens[a % tokens.length]!.startOffset;
          text = text.slice(0, i) + "\u0000" + text.slice(i);
        }
        const r = checkInvariants(text);
        expect(r.diagnostics.some((d) => d.code === "DLM0001" && d.message.includes("U+0000"))).toBe(true);
      }),
      params(300, 11),
    );
  });
});

describe("variants of the examples parse cleanly to the same tree", () => {
  const variants: [string, (s: string) => string][] = [
    ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
    ["CR", (s) => s.replace(/\n/g, "\r")],
    ["BOM", (s) => "\uFEFF" + s],
    ["BOM + CRLF", (s) => "\uFEFF" + s.replace(/\n/g, "\r\n")],
  ];
  for (const { name, text } of examples) {
    test(name, () => {
      const base = parse(text, name);
      expect(formatDiagnostics(base.diagnostics)).toBe("\n");
      for (const [, f] of variants) {
        const r = checkInvariants(f(text));
        expect(formatDiagnostics(r.diagnostics)).toBe("\n");
        expect(withoutSpans(r.ast)).toEqual(withoutSpans(base.ast));
        // Lines and columns do not depend on the line ending.
        const starts = (n: Node) => `${n.span.start.line}:${n.span.start.column}`;
        expect(r.ast.items.map(starts)).toEqual(base.ast.items.map(starts));
      }
    });
  }

  test("other whitespace and comments between tokens (newlines kept where they were)", () => {
    const inline = fc.constantFrom(" ", "\t", "  ", " /* c */ ", "\f");
    const breaking = fc.constantFrom("\n", "\r\n", "\n\n", " // c\n", "\n/* c\n*/\n", "\r");
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.infiniteStream(inline), fc.infiniteStream(breaking), (k, ins, brs) => {
        const { text } = examples[k]!;
        const it1 = ins[Symbol.iterator]();
        const it2 = brs[Symbol.iterator]();
        // Replace each non-empty gap between tokens (whitespace and comments), keeping line breaks.
        let changed = "";
        let last = 0;
        for (const t of [...lex(sourceFile("w", text)).tokens, { startOffset: text.length, image: "" }]) {
          const gap = text.slice(last, t.startOffset);
          changed += gap === "" ? "" : /[\n\r]/.test(gap) ? (it2.next().value as string) : (it1.next().value as string);
          changed += t.image;
          last = t.startOffset + t.image.length;
        }
        const r = checkInvariants(changed);
        expect(formatDiagnostics(r.diagnostics)).toBe("\n");
        expect(withoutSpans(r.ast)).toEqual(withoutSpans(parse(text, "x").ast));
      }),
      params(150, 3),
    );
  });

  test("non-ASCII names", () => {
    const letters = [..."éßøθλψжщکبअकखגש中文字변수ㄱ𝑥𝔸ǅ_"];
    const name = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 6 }).map((a) => "ǅ" + a.join(""));
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(name, { minLength: 8, maxLength: 8 }), (k, names) => {
        const { text } = examples[k]!;
        const tokens = lex(sourceFile("x", text)).tokens.filter((t) => t.tokenType === Identifier);
        const rename = new Map<string, string>();
        let out = "";
        let last = 0;
        for (const t of tokens) {
          if (!rename.has(t.image)) rename.set(t.image, names[rename.size % names.length]! + rename.size);
          out += text.slice(last, t.startOffset) + rename.get(t.image)!;
          last = t.startOffset + t.image.length;
        }
        out += text.slice(last);
        const r = checkInvariants(out);
        expect(formatDiagnostics(r.diagnostics)).toBe("\n");
        expect(r.ast.items.length).toBe(parse(text, "x").ast.items.length);
      }),
      params(100, 5),
    );
  });
});

describe("determinism", () => {
  test("the same text gives the same result, whatever was parsed before", () => {
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.string({ unit: "binary", maxLength: 100 }), (k, junk) => {
        const { text } = examples[k]!;
        const first = JSON.stringify(parse(text + junk, "d.dlm"));
        parse(junk + "model M { x = (", "other.dlm");
        expect(JSON.stringify(parse(text + junk, "d.dlm"))).toBe(first);
      }),
      params(100, 13),
    );
  });
});
