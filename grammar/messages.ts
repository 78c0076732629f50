// Syntax-error messages as the user reads them: tokens as written ("'|>'", "an identifier"), the bracket
// being closed ("expected ')' to close the call of 'Dense'"), and what was found instead.
//
// Chevrotain calls the provider while parsing, with only the expected token type, the actual token and
// the rule name. The rest (which bracket is open, what comes after the declaration being parsed) comes
// from a per-parse context that index.ts sets before each run; parsing is synchronous, so one module-level
// context is safe.

import { EOF } from "chevrotain";
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { shorten } from "./lexer.js";
import { positionAt } from "./source.js";
import type { SourceFile } from "./source.js";
import * as T from "./tokens.js";

export interface MessageContext {
  source: SourceFile;
  /** All parser tokens of the file, in order. */
  tokens: readonly IToken[];
  /** For each token index, the index of the innermost bracket still open before it, or -1. */
  openerAt: Int32Array;
  /** Index in `tokens` of the keyword of the declaration being parsed. */
  segmentStart: number;
  /** Index in `tokens` just past the declaration being parsed (where the parser sees its end of input). */
  segmentEnd: number;
}

let context: MessageContext | undefined;

const keywords: ReadonlySet<TokenType> = new Set(T.keywordTokens);

export function setMessageContext(ctx: MessageContext | undefined): void {
  context = ctx;
}

const closers = new Map<TokenType, ReadonlySet<TokenType>>([
  [T.RParen, new Set([T.LParen, T.CallLParen])],
  [T.RBracket, new Set([T.LBracket])],
  [T.RCurly, new Set([T.LCurly])],
]);

/** Extra words after "expected X" for the places where a bare token name says too little. */
const expectations: Record<string, string> = {
  "binding:Equals": "'=' (a binding is name = value)",
  "trainDecl:On": "'on' and a data set (train Model on Data { … })",
  "minimize:Over": "'over' and the models it updates (minimize loss over g with adam())",
  "minimize:With": "'with' and an optimizer (minimize loss over g with adam())",
  "tensorType:LBracket": "'[' and the dimensions of the tensor type (such as f32[B, 10])",
  "portDecl:Colon": "':' and a tensor type (such as f32[B, 10])",
  "param:Colon": "':' and a type (int, float, bool or string)",
  "dataDecl:Equals": "'=' and the data set (data Name = source())",
  "tensorType:Identifier": "a tensor type such as f32[B, 10]",
};

export const dlmErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const closing = closingWhat(expected, actual);
    const what = expectations[`${ruleName}:${expected.name}`] ?? T.tokenTypeLabel(expected);
    return `expected ${what}${closing ? ` to close ${closing}` : ""} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected a declaration (model, data, train or generate) but found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription, ruleName }) {
    const [first, second] = actual;
    if (ruleName === "trainItem" && first?.tokenType === T.Identifier) {
      // `batch` alone: a setting without its value, the likeliest slip at this point.
      return `expected a value after '${shorten(first.image)}' (a setting reads like 'batch 64') but found ${describeToken(second)}`;
    }
    const what = customUserDescription ?? firstTokensLabel(expectedPathsPerAlt.flat());
    return `expected ${what} but found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
    const what = customUserDescription ?? firstTokensLabel(expectedIterationPaths);
    return `expected ${what} but found ${describeToken(actual[0])}`;
  },
};

function firstTokensLabel(paths: TokenType[][]): string {
  const labels = [...new Set(paths.map((p) => (p[0] ? T.tokenTypeLabel(p[0]) : "")).filter((l) => l !== ""))];
  if (labels.length === 0) return "something else";
  if (labels.length === 1) return labels[0]!;
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/** True when the parser has reached the end of the current declaration's tokens. */
export function isEof(token: IToken | undefined): boolean {
  return token === undefined || token.tokenType === EOF;
}

/** The real token the parser sees when it reports end of input: the next declaration's keyword, if any. */
export function realToken(token: IToken | undefined): IToken | undefined {
  if (!isEof(token)) return token;
  return context?.tokens[context.segmentEnd];
}

export function describeToken(token: IToken | undefined): string {
  const t = realToken(token);
  if (t === undefined) return "the end of the file";
  if (t.tokenType === T.StringLit) return `the string ${shorten(t.image)}`;
  if (keywords.has(t.tokenType)) return `the keyword '${t.image}'`;
  return `'${shorten(t.image)}'`;
}

/** "the call of 'Dense'", "model 'Mlp'", … — when `expected` closes the bracket open at `actual`. */
function closingWhat(expected: TokenType, actual: IToken): string | undefined {
  const openers = closers.get(expected);
  if (openers === undefined || context === undefined) return undefined;
  const idx = isEof(actual) ? context.segmentEnd : indexOfToken(context.tokens, actual);
  if (idx < 0) return undefined;
  const open = context.openerAt[idx] ?? -1;
  if (open < 0) return undefined;
  const opener = context.tokens[open]!;
  if (!openers.has(opener.tokenType)) return undefined;
  return describeOpener(context, open);
}

function describeOpener(ctx: MessageContext, i: number): string {
  const toks = ctx.tokens;
  const opener = toks[i]!;
  const prev = toks[i - 1];
  const prev2 = toks[i - 2];
  const at = positionAt(ctx.source, opener.startOffset);
  const where = `at ${at.line}:${at.column}`;
  if (opener.tokenType === T.LCurly) {
    if (prev?.tokenType === T.Step) return `the step block opened ${where}`;
    // Brackets never stay open across declarations, so the declaration is the one being parsed.
    const decl = toks[ctx.segmentStart];
    if (decl !== undefined && T.declarationKeywords.has(decl.tokenType) && ctx.segmentStart < i) {
      const name = toks[ctx.segmentStart + 1];
      const named = name?.tokenType === T.Identifier ? ` '${shorten(name.image)}'` : "";
      return `${decl.image}${named} (opened ${where})`;
    }
    return `the '{' ${where}`;
  }
  if (opener.tokenType === T.LBracket) {
    return prev?.tokenType === T.Identifier && prev2?.tokenType === T.Colon
      ? `the tensor type '${shorten(prev.image)}[' ${where}`
      : `the list opened ${where}`;
  }
  if (prev?.tokenType === T.Identifier && prev2 !== undefined && T.declarationKeywords.has(prev2.tokenType)) {
    const what = prev2.tokenType === T.Model ? "the parameters of model" : `the arguments of ${prev2.image}`;
    return `${what} '${shorten(prev.image)}'`;
  }
  if (opener.tokenType === T.CallLParen && prev !== undefined) return `the call of '${shorten(prev.image)}'`;
  return `the '(' ${where}`;
}

/** Binary search by offset: tokens are sorted and never overlap. */
export function indexOfToken(tokens: readonly IToken[], token: IToken): number {
  let lo = 0;
  let hi = tokens.length - 1;
  const off = token.startOffset;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = tokens[mid]!.startOffset;
    if (s === off) return mid;
    if (s < off) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
