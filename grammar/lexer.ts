// Text → tokens, with every lexical error turned into a diagnostic and lexing carried on past it.
//
// The Chevrotain lexer does the matching; afterwards one pass over the tokens reports what the patterns
// let through on purpose so that a single mistake gives a single error: unterminated strings (kept as
// strings for the parser), bad escapes, malformed numbers (kept as numbers; to-ast makes them ErrorExpr),
// unterminated block comments (dropped). A keyword directly followed by ':' becomes an identifier: it is
// an argument name, as in `split(train: 0.8, test: 0.2)`. Offsets index `SourceFile.text` (the BOM is already gone).

import { Lexer } from "chevrotain";
import type { ILexerErrorMessageProvider, IToken } from "chevrotain";
import { diagnostic } from "./diagnostics.js";
import type { Diagnostic, SourceFile } from "./source.js";
import { spanAt } from "./source.js";
import { Colon, Identifier, keywordTokens, lexerTokens, NumberLit, StringLit, UnterminatedString } from "./tokens.js";

const keywordSet: ReadonlySet<unknown> = new Set(keywordTokens);

// Messages are built from the raw error records below; Chevrotain's own text is never shown.
const quietMessages: ILexerErrorMessageProvider = {
  buildUnexpectedCharactersMessage: () => "",
  buildUnableToPopLexerModeMessage: () => "",
};

const lexer = new Lexer(lexerTokens, {
  positionTracking: "onlyOffset",
  recoveryEnabled: true,
  // Fail loudly at load time if a token change ever costs the first-character optimisation.
  ensureOptimizations: true,
  errorMessageProvider: quietMessages,
});

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

export function lex(source: SourceFile): LexResult {
  const result = lexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const bad = source.text.slice(e.offset, e.offset + e.length);
    diagnostics.push(
      diagnostic("DLM0001", unexpectedCharsMessage(bad), spanAt(source, e.offset, e.offset + e.length)),
    );
  }
  for (const c of result.groups["unterminated"] ?? []) {
    diagnostics.push(
      diagnostic(
        "DLM0003",
        "unterminated block comment: '/*' is never closed by '*/'",
        spanAt(source, c.startOffset, c.startOffset + 2),
      ),
    );
  }
  const tokens = result.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // The parser's node locations need end offsets, which offset-only tracking leaves out.
    t.endOffset = t.startOffset + t.image.length - 1;
    if (keywordSet.has(t.tokenType) && tokens[i + 1]?.tokenType === Colon) {
      // A keyword right before ':' is an argument name (`split(train: 0.8)`); no rule puts one there.
      t.tokenType = Identifier;
      t.tokenTypeIdx = Identifier.tokenTypeIdx!;
    } else if (t.tokenType === UnterminatedString) {
      diagnostics.push(
        diagnostic(
          "DLM0002",
          "unterminated string: a string must end with '\"' on the same line",
          spanAt(source, t.startOffset, t.startOffset + t.image.length),
        ),
      );
      t.tokenType = StringLit;
      t.tokenTypeIdx = StringLit.tokenTypeIdx!;
      checkEscapes(source, t, diagnostics);
    } else if (t.tokenType === StringLit) {
      checkEscapes(source, t, diagnostics);
    } else if (t.tokenType === NumberLit) {
      const problem = numberProblem(t.image);
      if (problem !== undefined) {
        diagnostics.push(diagnostic("DLM0020", problem, spanAt(source, t.startOffset, t.startOffset + t.image.length)));
      }
    }
  }
  return { tokens, diagnostics };
}

function checkEscapes(source: SourceFile, t: IToken, diagnostics: Diagnostic[]): void {
  for (const e of decodeString(t.image).errors) {
    const start = t.startOffset + e.offset;
    diagnostics.push(diagnostic("DLM0004", e.message, spanAt(source, start, start + e.length)));
  }
}

const validNumber = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Why a NumberLit token's text is not a usable number, or undefined when it is fine. */
export function numberProblem(raw: string): string | undefined {
  if (!validNumber.test(raw)) {
    return `invalid number '${shorten(raw)}': write digits, an optional fraction and exponent (e.g. 42, 0.5, 1e-3)`;
  }
  if (!Number.isFinite(Number(raw))) return `number '${shorten(raw)}' is too large`;
  return undefined;
}

export interface StringEscapeError {
  /** Offset of the escape inside the token image (the image starts with its opening quote). */
  offset: number;
  length: number;
  message: string;
}

/**
 * The value of a string token's image (with or without its closing quote), escapes decoded. A bad
 * escape is reported and left out of the value.
 */
export function decodeString(image: string): { value: string; errors: StringEscapeError[] } {
  const errors: StringEscapeError[] = [];
  const end = image.length >= 2 && image.endsWith('"') && !endsInsideEscape(image) ? image.length - 1 : image.length;
  let value = "";
  let i = 1;
  while (i < end) {
    const c = image[i]!;
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const n = image[i + 1];
    const simple = n === undefined ? undefined : simpleEscapes[n];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (n === "u") {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(image.slice(i + 2, i + 11));
      const code = m ? parseInt(m[1]!, 16) : NaN;
      if (m && code <= 0x10ffff) {
        value += String.fromCodePoint(code);
        i += 2 + m[0].length;
        continue;
      }
      const len = m ? 2 + m[0].length : 2;
      errors.push({
        offset: i,
        length: Math.min(len, end - i),
        message: m
          ? `invalid escape '${image.slice(i, i + len)}': the code point is above U+10FFFF`
          : "invalid escape '\\u': write a code point in braces, e.g. \\u{e9}",
      });
      i += len;
      continue;
    }
    const shown = n === undefined ? "\\" : `\\${n}`;
    errors.push({
      offset: i,
      length: Math.min(shown.length, end - i),
      message: `invalid escape '${printable(shown)}' in string: use \\n, \\t, \\r, \\", \\\\ or \\u{…}`,
    });
    i += shown.length;
  }
  return { value, errors };
}

const simpleEscapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

/** `"abc\"` (unterminated, ending in an escaped quote) has no closing quote. */
function endsInsideEscape(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

function unexpectedCharsMessage(bad: string): string {
  const chars = [...bad];
  const hint =
    bad === "|" ? " (did you mean '|>'?)" : bad === "'" ? " (strings use double quotes)" : bad === "." ? " (a number needs digits on both sides of '.')" : "";
  if (chars.length === 1) return `unexpected character ${describeChars(bad)}${hint}`;
  return `unexpected characters ${describeChars(bad)}`;
}

/** Quote printable text; spell out invisible or broken characters as code points. */
function describeChars(s: string): string {
  const chars = [...s];
  const shown = chars.slice(0, 16);
  const more = chars.length > shown.length ? "…" : "";
  if (shown.every((ch) => isVisible(ch))) return `'${shown.join("")}${more}'`;
  return shown.map(codePointName).join(" ") + more;
}

function isVisible(ch: string): boolean {
  return /^[^\p{C}\p{Z}]$/u.test(ch);
}

function codePointName(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Text safe to put in a message: invisible characters become code points. */
export function printable(s: string): string {
  return [...s].map((ch) => (isVisible(ch) || ch === " " ? ch : codePointName(ch))).join("");
}

export function shorten(s: string, max = 24): string {
  const p = printable(s);
  return p.length > max ? `${p.slice(0, max - 1)}…` : p;
}
