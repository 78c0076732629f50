// Hostile sizes: deep nesting, long chains, huge files. Never a crash, a clear limit error instead, and
// a parse that stays fast.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { MAX_AST_DEPTH, MAX_BRACKET_DEPTH, MAX_FILE_CHARS, MAX_SYNTAX_ERRORS, parse } from "../../grammar/index.js";
import { astDepth, firstValue, shapeProblems, spanProblems } from "./helpers.js";

/** Parses, measuring CPU time (not wall time: other processes share the machine). */
function timed(text: string) {
  const t0 = process.cpuUsage();
  const r = parse(text, "big.dlm");
  const used = process.cpuUsage(t0);
  return { ...r, ms: (used.user + used.system) / 1000 };
}

function codes(r: { diagnostics: { code: string }[] }): string[] {
  return r.diagnostics.map((d) => d.code);
}

describe("bracket nesting", () => {
  test.each([
    ["(", ")"],
    ["[", "]"],
    ["f(", ")"],
    ["f(g(", "))"],
  ])("10,000 levels of %s give one DLM5001 and no parse", (open, close) => {
    const r = timed(`data D = ${open.repeat(10_000)}x${close.repeat(10_000)}`);
    expect(codes(r)).toEqual(["DLM5001"]);
    expect(r.ast.items).toEqual([]);
    expect(r.ms).toBeLessThan(2000);
  });

  test("10,000 unclosed '{' give DLM5001 too", () => {
    expect(codes(parse(`model M ${"{".repeat(10_000)}`, "t.dlm"))).toEqual(["DLM5001"]);
  });

  test("the error points at the bracket that crossed the limit", () => {
    const r = parse(`data D = ${"(".repeat(100)}`, "t.dlm");
    expect(r.diagnostics[0]!.span.start.offset).toBe("data D = ".length + MAX_BRACKET_DEPTH);
  });

  test("exactly the limit parses; one more does not", () => {
    const n = MAX_BRACKET_DEPTH;
    expect(codes(parse(`data D = ${"f(".repeat(n)}x${")".repeat(n)}`, "t.dlm"))).toEqual([]);
    expect(codes(parse(`data D = ${"(".repeat(n)}x${")".repeat(n)}`, "t.dlm"))).toEqual([]);
    expect(codes(parse(`data D = ${"[".repeat(n)}x${"]".repeat(n)}`, "t.dlm"))).toEqual([]);
    expect(codes(parse(`data D = ${"(".repeat(n + 1)}x${")".repeat(n + 1)}`, "t.dlm"))).toEqual(["DLM5001"]);
  });

  test("lexical errors are still reported with DLM5001", () => {
    expect(codes(parse(`data D = § ${"(".repeat(100)}`, "t.dlm"))).toEqual(["DLM0001", "DLM5001"]);
  });

  test("depth counts per declaration: many shallow declarations are fine", () => {
    const text = `model M { x = ${"(".repeat(40)}1${")".repeat(40)} }\n`.repeat(50);
    const r = parse(text, "t.dlm");
    expect(codes(r)).toEqual([]);
    expect(r.ast.items).toHaveLength(50);
  });
});

describe("long chains", () => {
  test("a 10,000-stage pipe parses, flat and fast", () => {
    const r = timed(`data D = x${" |> relu".repeat(10_000)}`);
    expect(codes(r)).toEqual([]);
    const v = firstValue(r.ast);
    expect(v?.kind === "Pipe" && v.stages.length).toBe(10_000);
    expect(r.ms).toBeLessThan(2000);
  });

  test.each([
    ["a 10,000-term sum", `a${" + a".repeat(9_999)}`],
    ["a 10,000-factor product", `a${" * a".repeat(9_999)}`],
    ["10,000 unary minuses", `${"- ".repeat(10_000)}x`],
    ["10,000 minuses without spaces", `${"-".repeat(10_000)}x`],
  ])("%s: DLM5001 once and a tree of bounded depth", (_, expr) => {
    const r = timed(`data D = ${expr}\ndata E = 1`);
    expect(codes(r)).toEqual(["DLM5001"]);
    expect(astDepth(r.ast)).toBeLessThanOrEqual(MAX_AST_DEPTH + 4);
    expect(shapeProblems(r.ast)).toEqual([]);
    expect(spanProblems(r.source, r.diagnostics, r.ast)).toEqual([]);
    expect(r.ast.items.map((i) => i.kind)).toEqual(["DataDecl", "DataDecl"]);
    expect(r.ms).toBeLessThan(2000);
  });

  test("a sum just under the depth limit is a valid left-leaning tree", () => {
    const n = MAX_AST_DEPTH - 10;
    const r = parse(`data D = a${" + a".repeat(n - 1)}`, "t.dlm");
    expect(codes(r)).toEqual([]);
    let e = firstValue(r.ast);
    let count = 0;
    while (e?.kind === "Binary") {
      expect(e.right.kind).toBe("Name");
      e = e.left;
      count++;
    }
    expect(count).toBe(n - 1);
  });

  test("depth errors are reported once per declaration", () => {
    const deep = `data D = a${" + a".repeat(1000)}\n`;
    expect(codes(parse(deep + deep, "t.dlm"))).toEqual(["DLM5001", "DLM5001"]);
  });
});

describe("files full of errors", () => {
  test.each([
    ["a call never closed, one name per line", `model M { y = f(${"x\n".repeat(1_000_000)}) }`],
    ["half a million stray declaration keywords", "model ".repeat(500_000)],
    ["bindings without values", `model M {\n${"x = =\n".repeat(300_000)}}`],
  ])("%s: stop after MAX_SYNTAX_ERRORS with DLM0014, in bounded time", (_, text) => {
    const r = timed(text);
    const syntax = r.diagnostics.filter((d) => d.code !== "DLM0014");
    expect(syntax.length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
    expect(codes(r).filter((c) => c === "DLM0014")).toEqual(["DLM0014"]);
    expect(r.ms).toBeLessThan(3000);
  });

  test("errors on one long line are bounded too", () => {
    const r = timed(`model M { ${"x ".repeat(1_000_000)}}`);
    expect(r.diagnostics.length).toBeLessThanOrEqual(3);
    expect(r.ms).toBeLessThan(3000);
  });
});

describe("file size", () => {
  test("more than 4 MiB is refused with DLM5002, before any work", () => {
    const text = "data D = 1\n".repeat(Math.ceil((5 * 1024 * 1024) / 11));
    const r = timed(text);
    expect(codes(r)).toEqual(["DLM5002"]);
    expect(r.ast.items).toEqual([]);
    expect(r.ms).toBeLessThan(500);
  });

  test("exactly the limit is accepted", () => {
    const head = "data D = 1\n// ";
    const text = head + "x".repeat(MAX_FILE_CHARS - head.length);
    expect(text.length).toBe(MAX_FILE_CHARS);
    expect(codes(parse(text, "t.dlm"))).toEqual([]);
    expect(codes(parse(text + "x", "t.dlm"))).toEqual(["DLM5002"]);
  });

  test("1 MB of examples parses without errors in well under a second", () => {
    const dir = new URL("../../examples/", import.meta.url);
    const all = readdirSync(dir)
      .filter((f) => f.endsWith(".dlm"))
      .map((f) => readFileSync(new URL(f, dir), "utf8"))
      .join("\n");
    let text = "";
    while (text.length < 1_000_000) text += all + "\n";
    parse(text, "warm.dlm");
    const r = timed(text);
    expect(codes(r)).toEqual([]);
    expect(r.ast.items.length).toBeGreaterThan(1000);
    expect(r.ms).toBeLessThan(1000);
  });

  test("a 1 MB string literal and a 1 MB comment", () => {
    const s = "x".repeat(1_000_000);
    expect(codes(parse(`data D = "${s}"`, "t.dlm"))).toEqual([]);
    expect(codes(parse(`// ${s}\n/* ${s} */ data D = 1`, "t.dlm"))).toEqual([]);
  });

  test("1 MB of one bad character is one error", () => {
    const r = timed("§".repeat(1_000_000));
    expect(codes(r)).toEqual(["DLM0001"]);
    expect(r.ms).toBeLessThan(2000);
  });
});
