// Line-aware error recovery: where the parser may pick up again after a syntax error.
//
// Chevrotain resynchronises at the first token that may follow any rule being parsed. In `.dlm` an
// identifier may start a statement, so that is nearly any token: after `x = a  Dense(3) |> relu` (a
// missing '|>') it would restart at `relu`, fail again, and one slip would become a storm of errors.
// Statements need no separator, yet people write one per line; so the parser here only resumes at a
// token that begins a line, a closing bracket, a comma, a statement keyword, or the end of input. The
// three Chevrotain hooks below (not in its typings, stable across 10.x–11.x) are overridden by
// DlmParser with these versions; everything else about recovery is Chevrotain's.

import { EOF, MismatchedTokenException, tokenMatcher } from "chevrotain";
import type { IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** The parser internals recovery uses. */
export interface RecoveryHost {
  LA(k: number): IToken;
  flattenFollowSet(): TokenType[];
  SKIP_TOKEN(): IToken;
  exportLexerState(): number;
  importLexerState(state: number): void;
  SAVE_ERROR(e: IRecognitionException): IRecognitionException;
  getCurrRuleFullName(): string;
  errorMessageProvider: IParserErrorMessageProvider;
  /** The text being parsed. */
  text: string;
  /** The token findResyncType chose; reSyncTo stops exactly there. */
  resyncTarget: IToken | undefined;
  getCurrentGrammarPath(tokType: TokenType, tokIdxInRule: number): GrammarPath;
  getNextPossibleTokenTypes(path: GrammarPath): TokenType[];
  followCache: Map<string, TokenType[]>;
}

interface GrammarPath {
  ruleStack: string[];
  occurrenceStack: number[];
}

/**
 * The tokens that may follow `tokType` where the parser is: Chevrotain walks the grammar for this on
 * every in-rule recovery attempt, which made a file full of errors slow; the answer only depends on the
 * rule stack, so it is cached.
 */
export function followsForInRuleRecovery(host: RecoveryHost, tokType: TokenType, idx: number): TokenType[] {
  const path = host.getCurrentGrammarPath(tokType, idx);
  const key = `${path.ruleStack.join(",")}|${path.occurrenceStack.join(",")}|${tokType.name}|${idx}`;
  let follows = host.followCache.get(key);
  if (follows === undefined) {
    if (host.followCache.size > 20_000) host.followCache.clear();
    follows = host.getNextPossibleTokenTypes(path);
    host.followCache.set(key, follows);
  }
  return follows;
}

const anywhere: ReadonlySet<TokenType> = new Set([
  T.RParen, T.RBracket, T.RCurly, T.Comma, T.Input, T.Output, T.Step, T.Minimize, T.Over, T.With, T.On,
]);

/** True when a line break separates `prev` from `next` (or there is no real previous token). */
export function lineBreakBetween(text: string, prev: IToken, next: IToken): boolean {
  if (Number.isNaN(prev.startOffset) || Number.isNaN(next.startOffset)) return true;
  for (let i = prev.startOffset + prev.image.length; i < next.startOffset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

function isBoundary(host: RecoveryHost, prev: IToken, tok: IToken): boolean {
  return tok.tokenType === EOF || anywhere.has(tok.tokenType) || lineBreakBetween(host.text, prev, tok);
}

/** The type of the first boundary token ahead that some rule being parsed accepts next. */
export function findResyncType(host: RecoveryHost): TokenType {
  const follows = host.flattenFollowSet();
  for (let k = 1; ; k++) {
    const tok = host.LA(k);
    if (tok.tokenType === EOF) {
      host.resyncTarget = tok;
      return EOF;
    }
    if (!isBoundary(host, host.LA(k - 1), tok)) continue;
    const match = follows.find((t) => tokenMatcher(tok, t));
    if (match !== undefined) {
      host.resyncTarget = tok;
      return match;
    }
  }
}

/** Skips to the chosen token; returns the skipped tokens (without the first, which is the error's). */
export function resyncTo(host: RecoveryHost, type: TokenType): IToken[] {
  let next = host.LA(1);
  const chosen = host.resyncTarget;
  const target = chosen !== undefined && !(chosen.startOffset < next.startOffset) ? chosen : undefined;
  const skipped: IToken[] = [];
  while (next.tokenType !== EOF && (target !== undefined ? next !== target : !tokenMatcher(next, type))) {
    next = host.SKIP_TOKEN();
    if (next.tokenType !== EOF) skipped.push(next);
  }
  return skipped.slice(0, -1);
}

/**
 * After a repetition (MANY, AT_LEAST_ONE) stops at an unexpected token: skip ahead to a boundary where
 * either the token expected after the repetition or another iteration begins, report the skipped part
 * once, and go on. If the resynchronisation point comes first, put everything back: the error will be
 * raised and handled by the rule-level recovery instead.
 */
export function tryInRepetitionRecovery(
  host: RecoveryHost,
  rule: (...args: unknown[]) => unknown,
  args: unknown[],
  lookahead: () => boolean,
  expected: TokenType,
): void {
  findResyncType(host);
  const stop = host.resyncTarget;
  const saved = host.exportLexerState();
  const first = host.LA(1);
  const report = () => {
    const msg = host.errorMessageProvider.buildMismatchTokenMessage({
      expected,
      actual: first,
      previous: host.LA(0),
      ruleName: host.getCurrRuleFullName(),
    });
    host.SAVE_ERROR(new MismatchedTokenException(msg, first, host.LA(0)));
  };
  let tok = first;
  for (;;) {
    const boundary = isBoundary(host, host.LA(0), tok);
    if (boundary && tokenMatcher(tok, expected)) {
      report();
      return;
    }
    if (boundary && lookahead.call(host)) {
      report();
      rule.apply(host, args);
      return;
    }
    if (tok === stop || tok.tokenType === EOF) {
      host.importLexerState(saved);
      return;
    }
    tok = host.SKIP_TOKEN();
  }
}
