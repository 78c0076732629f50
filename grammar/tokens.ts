// The token vocabulary of `.dlm`: every Chevrotain token type, in lexer order (order matters: comments
// before `/`, keywords before Identifier, CallLParen before LParen), plus how each reads in a message.
//
// Design notes
// - Identifiers are Unicode (`[\p{L}_][\p{L}\p{M}\p{N}_]*`). Chevrotain cannot analyse `u`-flag regexes,
//   so Identifier and Number are custom matchers (sticky regexes) with a `start_chars_hint`; the hint
//   lists every code unit from 0x80 up, which is a harmless superset (the lexer buckets code units above
//   255 by 255s, so the list costs a few hundred entries) and keeps the first-char optimisation on.
// - THE CALL-PAREN RULE: a `(` touching the identifier just before it (no space, no comment) is a
//   CallLParen; any other `(` is an LParen. That is what lets a tuple pattern start the next statement:
//   `y = x |> f` then `(a, b) = g(y)` on the next line are two bindings, not a call of `f`.
// - Number matches a whole "number-like word" (`3x`, `0x1F`, `1e`) so that a malformed number is one
//   token with one clear error (checked after lexing), not a number glued to an identifier.
// - An unterminated string is a token of its own, turned into a String after it is reported, so the
//   parser does not cascade.

import { createToken, Lexer } from "chevrotain";
import type { CustomPatternMatcherFunc, IToken, TokenType } from "chevrotain";

const identRe = /[\p{L}_][\p{L}\p{M}\p{N}_]*/uy;
const numberRe = /[0-9](?:[\p{L}\p{N}_]|\.[0-9]|(?<=[eE])[+-][0-9])*/uy;

const matchIdentifier: CustomPatternMatcherFunc = (text, offset) => {
  identRe.lastIndex = offset;
  return identRe.exec(text);
};

const matchNumber: CustomPatternMatcherFunc = (text, offset) => {
  numberRe.lastIndex = offset;
  return numberRe.exec(text);
};

const asciiLetters = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"];
const nonAscii: number[] = [];
for (let c = 0x80; c <= 0xffff; c++) nonAscii.push(c);

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
});
/** Reported after lexing (DLM0003), never reaches the parser. */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "unterminated",
});

export const Identifier = createToken({
  name: "Identifier",
  pattern: matchIdentifier,
  start_chars_hint: [...asciiLetters, ...nonAscii],
  line_breaks: false,
});

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: word, longer_alt: Identifier });
}

export const Model = keyword("model");
export const Input = keyword("input");
export const Output = keyword("output");
export const Data = keyword("data");
export const Train = keyword("train");
export const On = keyword("on");
export const Generate = keyword("generate");
export const Step = keyword("step");
export const Minimize = keyword("minimize");
export const Over = keyword("over");
export const With = keyword("with");
export const Repeat = keyword("repeat");
export const True = keyword("true");
export const False = keyword("false");
/** `_` alone: the wildcard pattern (`_x` is an identifier). */
export const Underscore = createToken({ name: "Underscore", pattern: "_", longer_alt: Identifier });

export const NumberLit = createToken({
  name: "NumberLit",
  pattern: matchNumber,
  start_chars_hint: [..."0123456789"],
  line_breaks: false,
});
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });
/** Reported after lexing (DLM0002) and then treated as a StringLit. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
});

const matchCallLParen: CustomPatternMatcherFunc = (text, offset, tokens) => {
  if (text.charCodeAt(offset) !== 40) return null;
  const last: IToken | undefined = tokens[tokens.length - 1];
  // `step(` too: the keyword is no function, but read as a call it gets an "unknown" error with the names
  // that exist (a schedule written `step(every: 2)`), not a broken step block.
  if (last === undefined || (last.tokenType !== Identifier && last.tokenType !== Step)) return null;
  return last.startOffset + last.image.length === offset ? ["("] : null;
};

export const PipeOp = createToken({ name: "PipeOp", pattern: "|>" });
export const CallLParen = createToken({
  name: "CallLParen",
  pattern: matchCallLParen,
  start_chars_hint: ["("],
  line_breaks: false,
});
export const LParen = createToken({ name: "LParen", pattern: "(" });
export const RParen = createToken({ name: "RParen", pattern: ")" });
export const LBracket = createToken({ name: "LBracket", pattern: "[" });
export const RBracket = createToken({ name: "RBracket", pattern: "]" });
export const LCurly = createToken({ name: "LCurly", pattern: "{" });
export const RCurly = createToken({ name: "RCurly", pattern: "}" });
export const Comma = createToken({ name: "Comma", pattern: "," });
export const Colon = createToken({ name: "Colon", pattern: ":" });
export const Equals = createToken({ name: "Equals", pattern: "=" });
export const Plus = createToken({ name: "Plus", pattern: "+" });
export const Minus = createToken({ name: "Minus", pattern: "-" });
export const Star = createToken({ name: "Star", pattern: "*" });
export const Slash = createToken({ name: "Slash", pattern: "/" });

export const keywordTokens: TokenType[] = [
  Model, Input, Output, Data, Train, On, Generate, Step, Minimize, Over, With, Repeat, True, False,
];

/** What the lexer tries, in order. */
export const lexerTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  ...keywordTokens,
  Underscore,
  Identifier,
  NumberLit,
  StringLit,
  UnterminatedString,
  PipeOp,
  CallLParen,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Comma,
  Colon,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

/** What the parser sees (UnterminatedString is renamed to StringLit before parsing). */
export const parserTokens: TokenType[] = lexerTokens.filter(
  (t) => t !== WhiteSpace && t !== LineComment && t !== BlockComment && t !== UnterminatedComment,
);

/** How a token type reads in "expected X": as the user would write it. */
export function tokenTypeLabel(t: TokenType): string {
  switch (t) {
    case Identifier:
      return "an identifier";
    case NumberLit:
      return "a number";
    case StringLit:
    case UnterminatedString:
      return "a string";
    case CallLParen:
    case LParen:
      return "'('";
    default:
      return typeof t.PATTERN === "string" ? `'${t.PATTERN}'` : t.name;
  }
}

/** The declaration keywords: reserved, and only ever at the top level, so safe places to resynchronise. */
export const declarationKeywords: ReadonlySet<TokenType> = new Set([Model, Data, Train, Generate]);
