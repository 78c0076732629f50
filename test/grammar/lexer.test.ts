// The lexer on its own: token kinds, the call-paren rule, keywords versus identifiers, numbers, strings,
// comments, line endings, and lexical errors that do not stop lexing.

import type { IToken } from "chevrotain";
import { describe, expect, test } from "vitest";
import { decodeString, lex } from "../../grammar/lexer.js";
import { sourceFile } from "../../grammar/source.js";

function kinds(text: string): string[] {
  return lex(sourceFile("t.dlm", text)).tokens.map((t: IToken) => `${t.tokenType.name}:${t.image}`);
}

function errors(text: string): string[] {
  return lex(sourceFile("t.dlm", text)).diagnostics.map(
    (d) => `${d.code} ${d.span.start.offset}-${d.span.end.offset} ${d.message}`,
  );
}

describe("tokens", () => {
  test("the call-paren rule: '(' touching an identifier is a CallLParen, any other '(' an LParen", () => {
    expect(kinds("f(x) f (x) f/**/(x) 2(x) f(x)(y) model(")).toEqual([
      "Identifier:f", "CallLParen:(", "Identifier:x", "RParen:)",
      "Identifier:f", "LParen:(", "Identifier:x", "RParen:)",
      "Identifier:f", "LParen:(", "Identifier:x", "RParen:)",
      "NumberLit:2", "LParen:(", "Identifier:x", "RParen:)",
      "Identifier:f", "CallLParen:(", "Identifier:x", "RParen:)", "LParen:(", "Identifier:y", "RParen:)",
      "Model:model", "LParen:(",
    ]);
  });

  test("keywords are reserved, but longer words and keyword-named arguments are identifiers", () => {
    expect(kinds("model models input_x _ _x train: on repeat5 é_1")).toEqual([
      "Model:model", "Identifier:models", "Identifier:input_x", "Underscore:_", "Identifier:_x",
      "Identifier:train", "Colon::", "On:on", "Identifier:repeat5", "Identifier:é_1",
    ]);
  });

  test("unicode identifiers, including astral letters and combining marks", () => {
    expect(kinds("θ 变量 𝑥 नमस्ते x₁")).toEqual(["Identifier:θ", "Identifier:变量", "Identifier:𝑥", "Identifier:नमस्ते", "Identifier:x₁"]);
  });

  test("operators and punctuation", () => {
    expect(kinds("|> + - * / = : , [ ] { }").map((k) => k.split(":")[0])).toEqual([
      "PipeOp", "Plus", "Minus", "Star", "Slash", "Equals", "Colon", "Comma", "LBracket", "RBracket", "LCurly", "RCurly",
    ]);
  });

  test("numbers", () => {
    expect(kinds("42 0.5 1e-3 2.5E+4 3-1 1e5x")).toEqual([
      "NumberLit:42", "NumberLit:0.5", "NumberLit:1e-3", "NumberLit:2.5E+4", "NumberLit:3", "Minus:-", "NumberLit:1",
      "NumberLit:1e5x",
    ]);
    expect(errors("1e5x")).toHaveLength(1);
    expect(errors("1e999")[0]).toContain("too large");
  });

  test("comments and whitespace (CR, CRLF, tabs, form feed) are skipped", () => {
    expect(kinds("a // c\r\nb /* x\n y */ c\rd\t\fe")).toEqual([
      "Identifier:a", "Identifier:b", "Identifier:c", "Identifier:d", "Identifier:e",
    ]);
  });

  test("offsets index the text without its BOM", () => {
    const src = sourceFile("t.dlm", "\uFEFFdata D");
    expect(lex(src).tokens.map((t) => [t.startOffset, t.endOffset])).toEqual([[0, 3], [5, 5]]);
  });
});

describe("strings", () => {
  test("escapes decode", () => {
    expect(decodeString('"a\\n\\t\\r\\"\\\\\\u{41}\\u{1F600}"')).toEqual({ value: 'a\n\t\r"\\A😀', errors: [] });
  });

  test("bad escapes are reported at the escape and left out of the value", () => {
    const r = decodeString('"a\\qb\\u{110000}c\\u"');
    expect(r.value).toBe("abc");
    expect(r.errors.map((e) => [e.offset, e.length])).toEqual([[2, 2], [5, 10], [16, 2]]);
  });

  test("a raw newline ends an unterminated string, which is still a string token", () => {
    expect(kinds('"abc\nx')).toEqual(['StringLit:"abc', "Identifier:x"]);
    expect(errors('"abc\nx')).toEqual([`DLM0002 0-4 unterminated string: a string must end with '"' on the same line`]);
    expect(errors('"abc\\"')).toHaveLength(1);
    expect(decodeString('"abc\\"').value).toBe('abc"');
  });
});

describe("lexical errors do not stop lexing", () => {
  test("a run of unexpected characters is one error", () => {
    expect(errors("a §§ b")).toEqual(["DLM0001 2-4 unexpected characters '§§'"]);
    expect(kinds("a §§ b")).toEqual(["Identifier:a", "Identifier:b"]);
  });

  test("invisible characters are named by code point", () => {
    expect(errors("a \u0000 b \uD800 c")).toEqual([
      "DLM0001 2-3 unexpected character U+0000",
      "DLM0001 6-7 unexpected character U+D800",
    ]);
  });

  test("hints for likely slips", () => {
    expect(errors("a | b")[0]).toContain("did you mean '|>'");
    expect(errors("'x'")[0]).toContain("double quotes");
  });

  test("an unterminated block comment", () => {
    expect(errors("a /* b")).toEqual(["DLM0003 2-4 unterminated block comment: '/*' is never closed by '*/'"]);
    expect(kinds("a /* b")).toEqual(["Identifier:a"]);
  });
});
