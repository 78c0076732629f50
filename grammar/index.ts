// parse(text, file): the grammar stage as one call — lex, guard the limits, parse each declaration with
// recovery, build the AST. It never throws and always returns a Program (possibly partial) and every
// error it found.
//
// Design notes
// - Limits first: a file over MAX_FILE_CHARS is refused (DLM5002) before lexing; brackets nested deeper
//   than MAX_BRACKET_DEPTH are refused (DLM5001) before parsing, because Chevrotain recurses per
//   bracket and would overflow the stack near a few thousand levels. to-ast bounds the AST depth too.
// - The token stream is cut at the declaration keywords (model, data, train, generate: reserved, and
//   legal only at the top level) and each piece is parsed on its own. An error inside one declaration
//   thus never hides the next; tokens outside any declaration get one DLM0013 per run.
// - One mistake, one error: Chevrotain may report a mistake twice at the same token (only the first is
//   kept); a dropped character or an unterminated comment makes the parser stumble right after it (that
//   stumble is dropped, see withoutLexicalCascades); and only the first syntax error of a statement (a line and
//   its continuation lines) is kept.

import type { IRecognitionException, IToken } from "chevrotain";
import type { Program, TopItem } from "./ast.js";
import { diagnostic } from "./diagnostics.js";
import type { DiagnosticCode } from "./diagnostics.js";
import { lex } from "./lexer.js";
import { describeToken, indexOfToken, isEof, setMessageContext } from "./messages.js";
import type { MessageContext } from "./messages.js";
import { parser } from "./parser.js";
import { lineBreakBetween, TooManySyntaxErrors } from "./recovery.js";
import type { Diagnostic, SourceFile, Span } from "./source.js";
import { sourceFile, spanAt } from "./source.js";
import { AstBuilder } from "./to-ast.js";
import type { TopItemCstNode } from "./cst.generated.js";
import * as T from "./tokens.js";

export { MAX_AST_DEPTH } from "./to-ast.js";
export { printAst } from "./print-ast.js";

/** Longest text accepted, in UTF-16 code units (4 MiB). */
export const MAX_FILE_CHARS = 4 * 1024 * 1024;
/** Deepest nesting of ( [ { accepted. */
export const MAX_BRACKET_DEPTH = 64;
/** Syntax errors recorded (before deduplication) after which parsing stops: bounds the time on garbage. */
export const MAX_SYNTAX_ERRORS = 1000;

export interface ParseResult {
  ast: Program;
  diagnostics: Diagnostic[];
  source: SourceFile;
}

export function parse(text: string, fileName: string): ParseResult {
  const source = sourceFile(fileName, typeof text === "string" ? text : String(text));
  // Chevrotain reports syntax errors as Error objects; capturing a stack trace for each would make a
  // file full of errors many times slower to parse, and nobody reads those traces.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseSource(source);
  } catch (e) {
    // A bug, never a user error; still no exception for the caller.
    setMessageContext(undefined);
    const message = e instanceof Error ? e.message : String(e);
    return {
      ast: emptyProgram(source),
      diagnostics: [diagnostic("DLM0099", `internal error in the parser: ${message}`, spanAt(source, 0, 0))],
      source,
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function emptyProgram(source: SourceFile): Program {
  return { kind: "Program", items: [], span: spanAt(source, 0, source.text.length) };
}

function parseSource(source: SourceFile): ParseResult {
  const empty = emptyProgram(source);
  if (source.text.length > MAX_FILE_CHARS) {
    const mib = (source.text.length / (1024 * 1024)).toFixed(1);
    const msg = `file too large: ${mib} MiB of text, the limit is ${MAX_FILE_CHARS / (1024 * 1024)} MiB`;
    return { ast: empty, diagnostics: [diagnostic("DLM5002", msg, spanAt(source, 0, 0))], source };
  }
  const { tokens, diagnostics } = lex(source);
  const scan = scanBrackets(tokens);
  if (scan.tooDeep !== undefined) {
    const t = scan.tooDeep;
    const msg = `brackets nested too deeply (more than ${MAX_BRACKET_DEPTH} levels)`;
    diagnostics.push(diagnostic("DLM5001", msg, tokenSpan(source, t)));
    return { ast: empty, diagnostics, source };
  }

  const items: TopItem[] = [];
  const syntax: SyntaxError[] = [];
  let rawErrors = 0;
  const builder = new AstBuilder(source);
  const starts = scan.declStarts;
  if (tokens.length > 0 && (starts.length === 0 || starts[0]! > 0)) {
    const what = "expected a declaration (model, data, train or generate) but found";
    setMessageContext(undefined);
    diagnostics.push(diagnostic("DLM0013", `${what} ${describeToken(tokens[0])}`, tokenSpan(source, tokens[0]!)));
  }
  try {
    for (let k = 0; k < starts.length; k++) {
      const a = starts[k]!;
      const b = k + 1 < starts.length ? starts[k + 1]! : tokens.length;
      const ctx: MessageContext = { source, tokens, openerAt: scan.openerAt, segmentStart: a, segmentEnd: b };
      setMessageContext(ctx);
      parser.text = source.text;
      parser.input = tokens.slice(a, b);
      parser.errorBudget = MAX_SYNTAX_ERRORS - rawErrors;
      let cst: TopItemCstNode;
      try {
        cst = parser.topItem() as TopItemCstNode;
      } catch (e) {
        if (!(e instanceof TooManySyntaxErrors)) throw e;
        syntax.push(...syntaxErrors(source, tokens, a, b, parser.errors));
        const at = tokens[a]!;
        const msg = `too many syntax errors (more than ${MAX_SYNTAX_ERRORS}); the rest of the file was not parsed`;
        diagnostics.push(diagnostic("DLM0014", msg, tokenSpan(source, at)));
        break;
      }
      const errors = parser.errors;
      if (errors.length > 0) {
        rawErrors += errors.length;
        syntax.push(...syntaxErrors(source, tokens, a, b, errors));
      }
      const item = builder.build(cst);
      if (item !== undefined) items.push(item);
    }
  } finally {
    setMessageContext(undefined);
    parser.input = [];
    parser.text = "";
  }
  const all = [...diagnostics, ...withoutLexicalCascades(syntax, diagnostics, tokens), ...builder.diagnostics];
  all.sort((x, y) => x.span.start.offset - y.span.start.offset);
  return { ast: { ...empty, items }, diagnostics: onePerStatement(all, tokens, source.text), source };
}

interface BracketScan {
  /** For each token index (and one past the end), the index of the innermost open bracket, or -1. */
  openerAt: Int32Array;
  /** Indices of the declaration keywords. */
  declStarts: number[];
  /** The bracket that crossed MAX_BRACKET_DEPTH, if any. */
  tooDeep?: IToken;
}

/**
 * One pass over the tokens: bracket nesting (reset at each declaration keyword, since parsing restarts
 * there too), the innermost open bracket before each token (for "expected ')' to close …"), and where
 * declarations start.
 */
function scanBrackets(tokens: readonly IToken[]): BracketScan {
  const openerAt = new Int32Array(tokens.length + 1);
  const declStarts: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    openerAt[i] = stack.length > 0 ? stack[stack.length - 1]! : -1;
    if (T.declarationKeywords.has(type)) {
      declStarts.push(i);
      stack.length = 0;
    } else if (type === T.LParen || type === T.CallLParen || type === T.LBracket || type === T.LCurly) {
      stack.push(i);
      if (stack.length > MAX_BRACKET_DEPTH) return { openerAt, declStarts, tooDeep: tokens[i]! };
    } else if (type === T.RParen || type === T.RBracket || type === T.RCurly) {
      const want = type === T.RParen ? [T.LParen, T.CallLParen] : type === T.RBracket ? [T.LBracket] : [T.LCurly];
      for (let j = stack.length - 1; j >= 0; j--) {
        if (want.includes(tokens[stack[j]!]!.tokenType)) {
          stack.length = j;
          break;
        }
      }
    }
  }
  openerAt[tokens.length] = stack.length > 0 ? stack[stack.length - 1]! : -1;
  return { openerAt, declStarts };
}

interface SyntaxError {
  diagnostic: Diagnostic;
  /** Index of the token the error is at (tokens.length for the end of the file). */
  at: number;
}

function syntaxErrors(
  source: SourceFile,
  tokens: readonly IToken[],
  segmentStart: number,
  segmentEnd: number,
  errors: readonly IRecognitionException[],
): SyntaxError[] {
  const out: SyntaxError[] = [];
  const seen = new Set<number>();
  for (const e of errors) {
    const at = isEof(e.token) ? segmentEnd : indexOfToken(tokens, e.token);
    if (at < 0 || seen.has(at)) continue;
    seen.add(at);
    const next = tokens[at];
    const prev = tokens[at - 1];
    // Something missing at the end of a line is shown there, not at the start of the next line.
    const span =
      next === undefined
        ? endSpan(source, tokens)
        : e.name !== "NotAllInputParsedException" &&
            prev !== undefined &&
            at > segmentStart &&
            lineBreakBetween(source.text, prev, next)
          ? spanAt(source, prev.startOffset + prev.image.length, prev.startOffset + prev.image.length)
          : tokenSpan(source, next);
    out.push({ diagnostic: diagnostic(errorCode(e.name, next === undefined), e.message, span), at });
  }
  return out;
}

/**
 * Drops the syntax errors a lexical error caused: those later on the same line as a dropped character or
 * an unterminated string, or within two tokens after it (`x = a § b` reads as `x = a` then a binding `b`
 * without '='); and end-of-file errors after an unterminated block comment (it swallowed the rest).
 */
function withoutLexicalCascades(
  syntax: readonly SyntaxError[],
  lexical: readonly Diagnostic[],
  tokens: readonly IToken[],
): Diagnostic[] {
  const dropped = new Set<SyntaxError>();
  const sorted = [...syntax].sort((x, y) => x.at - y.at);
  for (const d of lexical) {
    if (d.code === "DLM0003") {
      for (const e of sorted) if (e.at >= tokens.length) dropped.add(e);
    } else if (d.code === "DLM0001" || d.code === "DLM0002") {
      const k = firstTokenFrom(tokens, d.span.end.offset);
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]!.at < k) lo = mid + 1;
        else hi = mid;
      }
      // A few are enough (onePerStatement keeps one per statement anyway); this keeps the pass linear.
      for (let i = lo; i < sorted.length && i < lo + 8; i++) {
        const e = sorted[i]!;
        const sameLine = e.diagnostic.span.start.line === d.span.end.line;
        if (!sameLine && e.at - k > 2) break;
        dropped.add(e);
      }
    }
  }
  return syntax.filter((e) => !dropped.has(e)).map((e) => e.diagnostic);
}

const syntaxCodes: ReadonlySet<DiagnosticCode> = new Set(["DLM0010", "DLM0011", "DLM0012", "DLM0013"]);

/**
 * At most one syntax error per statement (the first). A statement is a line plus the lines that continue
 * it: the line before ends with ',' or the line starts with '|>' or '+'. A second error in the same
 * statement is nearly always the parser stumbling over the rest of it — the rest of a line, or the next
 * entries of a multi-line `metrics a: …,` list after the first one broke. Lexical and limit errors are all
 * kept.
 */
function onePerStatement(sorted: readonly Diagnostic[], tokens: readonly IToken[], text: string): Diagnostic[] {
  const statement = new Int32Array(tokens.length);
  for (let i = 1; i < tokens.length; i++) {
    const prev = tokens[i - 1]!;
    const t = tokens[i]!;
    const continues = prev.tokenType === T.Comma || t.tokenType === T.PipeOp || t.tokenType === T.Plus;
    statement[i] = statement[i - 1]! + (lineBreakBetween(text, prev, t) && !continues ? 1 : 0);
  }
  const seen = new Set<number>();
  return sorted.filter((d) => {
    if (!syntaxCodes.has(d.code) || tokens.length === 0) return true;
    // An error shown just after a token (at a line end) belongs to that token's statement.
    let k = firstTokenFrom(tokens, d.span.start.offset);
    if (k >= tokens.length || (tokens[k]!.startOffset !== d.span.start.offset && k > 0)) k = Math.max(0, k - 1);
    const id = statement[k]!;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Index of the first token starting at or after `offset`. */
function firstTokenFrom(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function errorCode(name: string, atRealEof: boolean): DiagnosticCode {
  if (name === "NotAllInputParsedException") return "DLM0013";
  if (atRealEof) return "DLM0012";
  return name === "MismatchedTokenException" ? "DLM0011" : "DLM0010";
}

function tokenSpan(source: SourceFile, t: IToken): Span {
  return spanAt(source, t.startOffset, t.startOffset + t.image.length);
}

/** Where "the end of the file" is shown: just after the last token (not after trailing blank lines). */
function endSpan(source: SourceFile, tokens: readonly IToken[]): Span {
  const last = tokens[tokens.length - 1];
  const end = last === undefined ? source.text.length : last.startOffset + last.image.length;
  return spanAt(source, end, end);
}
