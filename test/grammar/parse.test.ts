// Parsing valid programs: every example parses with no diagnostic, and its AST matches a golden
// (test/fixtures/parse/<name>.ast.txt, accept changes with `vitest -u`). Small programs pin down
// precedence, the call-paren rule, and the shapes the AST contract promises.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Binding, DataDecl, Expr, ModelDecl, Program } from "../../grammar/ast.js";
import { parse } from "../../grammar/index.js";
import { printAst } from "../../grammar/print-ast.js";
import { formatDiagnostics, spanProblems } from "./helpers.js";

const examplesDir = new URL("../../examples/", import.meta.url);
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".dlm")).sort();
const fixturesDir = new URL("../fixtures/parse/", import.meta.url);
const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith(".dlm")).sort();

function ok(text: string): Program {
  const r = parse(text, "t.dlm");
  expect(formatDiagnostics(r.diagnostics)).toBe("\n");
  return r.ast;
}

/** The value of the first binding of the first model, or of the first data declaration. */
function value(text: string): Expr {
  const item = ok(text).items[0]!;
  if (item.kind === "DataDecl") return item.value;
  return ((item as ModelDecl).body[0] as Binding).value;
}

/** A compact s-expression of an expression, for one-line expectations. */
function sx(e: Expr): string {
  switch (e.kind) {
    case "NumberLit":
      return e.raw;
    case "StringLit":
      return JSON.stringify(e.value);
    case "BoolLit":
      return String(e.value);
    case "Name":
      return e.name;
    case "ListLit":
      return `[${e.elements.map(sx).join(" ")}]`;
    case "TupleLit":
      return `(tuple ${e.elements.map(sx).join(" ")})`;
    case "Unary":
      return `(neg ${sx(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case "Call":
      return `(call ${e.callee.name}${e.args.map((a) => ` ${a.name ? `${a.name.name}:` : ""}${sx(a.value)}`).join("")})`;
    case "Pipe":
      return `(pipe ${sx(e.source)} ${e.stages.map(sx).join(" ")})`;
    case "Repeat":
      return `(repeat ${sx(e.count)} ${sx(e.body)})`;
    case "ErrorExpr":
      return "<error>";
  }
}

describe("examples", () => {
  test("there are examples", () => expect(examples.length).toBeGreaterThanOrEqual(10));
  for (const file of examples) {
    test(`${file} parses cleanly and matches its AST golden`, async () => {
      const text = readFileSync(new URL(file, examplesDir), "utf8");
      const { ast, diagnostics, source } = parse(text, file);
      expect(formatDiagnostics(diagnostics)).toBe("\n");
      expect(ast.items.length).toBeGreaterThan(0);
      expect(spanProblems(source, diagnostics, ast)).toEqual([]);
      await expect(printAst(ast)).toMatchFileSnapshot(`../fixtures/parse/${file.replace(/\.dlm$/, ".ast.txt")}`);
    });
  }
});

describe("parse fixtures", () => {
  for (const file of fixtures) {
    test(`${file} parses cleanly and matches its AST golden`, async () => {
      const text = readFileSync(new URL(file, fixturesDir), "utf8");
      const { ast, diagnostics, source } = parse(text, file);
      expect(formatDiagnostics(diagnostics)).toBe("\n");
      expect(spanProblems(source, diagnostics, ast)).toEqual([]);
      await expect(printAst(ast)).toMatchFileSnapshot(`../fixtures/parse/${file.replace(/\.dlm$/, ".ast.txt")}`);
    });
  }
});

describe("expressions", () => {
  test.each([
    ["a + b * c", "(+ a (* b c))"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b / c * d", "(* (/ (/ a b) c) d)"],
    ["(a + b) * c", "(* (+ a b) c)"],
    ["-a * -b", "(* (neg a) (neg b))"],
    ["- - a", "(neg (neg a))"],
    ["-3", "(neg 3)"],
    ["a + b |> f |> g(1)", "(pipe (+ a b) f (call g 1))"],
    ["x |> repeat 4 L(d, heads: 4) |> repeat n relu", "(pipe x (repeat 4 (call L d heads:4)) (repeat n relu))"],
    ["(a, b)", "(tuple a b)"],
    ["(a, b,)", "(tuple a b)"],
    ["(a)", "a"],
    ["((a))", "a"],
    ["[]", "[]"],
    ["[1, 2,]", "[1 2]"],
    ['f("a\\n\\"b\\\\", true, false)', '(call f "a\\n\\"b\\\\" true false)'],
    ['"\\u{1F600}\\t"', '"😀\\t"'],
    ["f()", "(call f)"],
    ["f(x,)", "(call f x)"],
    ["split(train: 0.8, data: 1, on: 2)", "(call split train:0.8 data:1 on:2)"],
    ["f(g(h(x)))", "(call f (call g (call h x)))"],
    ["models + input_x + _y + stepper", "(+ (+ (+ models input_x) _y) stepper)"],
    ["πr + 变量 + x₁", "(+ (+ πr 变量) x₁)"],
  ])("%s", (src, expected) => {
    expect(sx(value(`data D = ${src}`))).toBe(expected);
  });

  test("numbers: value, raw, isInt", () => {
    const nums = (value("data D = [42, 0.5, 1e-3, 2.5E+4, 7e2]") as { elements: Expr[] }).elements;
    expect(nums.map((n) => (n.kind === "NumberLit" ? [n.value, n.raw, n.isInt] : n.kind))).toEqual([
      [42, "42", true],
      [0.5, "0.5", false],
      [0.001, "1e-3", false],
      [25000, "2.5E+4", false],
      [700, "7e2", false],
    ]);
  });

  test("a 10,000-stage pipe is one flat Pipe", () => {
    const e = value(`data D = x${" |> relu".repeat(10_000)}`);
    expect(e.kind).toBe("Pipe");
    if (e.kind === "Pipe") expect(e.stages.length).toBe(10_000);
  });
});

describe("the call-paren rule", () => {
  test("a '(' on the next line starts a tuple pattern, not a call", () => {
    const ast = ok("model M {\n  y = x |> Dense(10)\n  (a, b) = f(y)\n  z = y\n  (c, d) = g\n}");
    const body = (ast.items[0] as ModelDecl).body as Binding[];
    expect(body.map((b) => b.target.kind)).toEqual(["NamePattern", "TuplePattern", "NamePattern", "TuplePattern"]);
    expect(sx(body[0]!.value)).toBe("(pipe x (call Dense 10))");
    expect(sx(body[2]!.value)).toBe("y");
  });

  test("a comment or a space between name and '(' ends the expression", () => {
    for (const gap of [" ", "/**/", "\t"]) {
      const body = (ok(`model M { y = f${gap}(a, b) = c }`).items[0] as ModelDecl).body as Binding[];
      expect(body.map((b) => `${b.target.kind} ${sx(b.value)}`)).toEqual(["NamePattern f", "TuplePattern c"]);
    }
  });

  test("a '(' touching ')' is not a call", () => {
    const r = parse("data D = f(x)(y)", "t.dlm");
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });

  test("model parameters and train arguments accept a spaced '('", () => {
    const ast = ok("model M (d: int) { }\ntrain M (d: 2) on D { batch 1 }");
    expect((ast.items[0] as ModelDecl).params.map((p) => p.name.name)).toEqual(["d"]);
    const train = ast.items[1]!;
    expect(train.kind === "TrainDecl" && train.args.length).toBe(1);
  });
});

describe("declarations", () => {
  test("settings: a new one starts after an argument list without a trailing comma", () => {
    const ast = ok("train M on D {\n  validate every: 1, early_stop(patience: 3)\n  batch 64 epochs 10\n  loss a\n    + b\n}");
    const item = ast.items[0]!;
    expect(item.kind).toBe("TrainDecl");
    if (item.kind !== "TrainDecl") return;
    const settings = item.items.map((s) => (s.kind === "Setting" ? `${s.key.name}(${s.args.map((a) => (a.name ? `${a.name.name}:` : "") + sx(a.value)).join(", ")})` : s.kind));
    expect(settings).toEqual(["validate(every:1, (call early_stop patience:3))", "batch(64)", "epochs(10)", "loss((+ a b))"]);
  });

  test("data declarations keep the whole pipe across lines", () => {
    const item = ok("data D = mnist()\n  |> map(x: reshape(image, [784]))\n  |> split(train: 0.8)").items[0] as DataDecl;
    expect(sx(item.value)).toBe("(pipe (call mnist) (call map x:(call reshape image [784])) (call split train:0.8))");
  });

  test("spans: a declaration covers its keyword to its closing brace", () => {
    const { ast, source } = parse("\n\nmodel M {\n  x = 1\n}\n", "t.dlm");
    const m = ast.items[0]!;
    expect([m.span.start.line, m.span.start.column, m.span.end.line, m.span.end.column]).toEqual([3, 1, 5, 2]);
    expect(source.text.slice(m.span.start.offset, m.span.end.offset)).toBe("model M {\n  x = 1\n}");
    expect(ast.span.end.offset).toBe(source.text.length);
  });

  test("an empty file and a comment-only file are empty programs", () => {
    expect(ok("").items).toEqual([]);
    expect(ok("// nothing\n/* here */\n").items).toEqual([]);
  });
});
