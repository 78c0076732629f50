// Line-aware error recovery: where the parser may pick up again after a syntax error.
//
// Chevrotain resynchronises at the first token that may follow any rule being parsed. In `.dlm` an
// identifier may start a statement, so that is nearly any token: after `x = a  Dense(3) |> relu` (a
// missing '|>') it would restart at `relu`, fail again, and one slip would become a storm of errors.
// Statements need no separator, yet people write one per line; so the parser here only resumes at a
// token that begins a line, a closing bracket, a comma, a statement keyword, or the end of input, and
// only invents or drops a single token where that reads as the user meant. RecoveringParser overrides
// Chevrotain's recovery hooks (internal methods, not in its typings: chevrotain is pinned, and the tests would
// notice a change) with these versions; DlmParser (parser.ts) extends it with the grammar rules.

import { CstParser, EOF, MismatchedTokenException, tokenMatcher } from "chevrotain";
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

const openers: ReadonlySet<TokenType> = new Set([T.LParen, T.CallLParen, T.LBracket, T.LCurly]);
const closers: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RCurly]);

/** Chevrotain's own in-rule recovery checks (not in its typings), which the overrides below narrow. */
const chevrotainRecovery = CstParser.prototype as unknown as {
  canRecoverWithSingleTokenInsertion(this: unknown, expected: TokenType, follows: TokenType[]): boolean;
  canRecoverWithSingleTokenDeletion(this: unknown, expected: TokenType): boolean;
  SAVE_ERROR(this: unknown, error: IRecognitionException): IRecognitionException;
};

/** Thrown out of the parser once a file has had more syntax errors than anyone will read. */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super("too many syntax errors");
  }
}

/**
 * CstParser with the recovery described above, plus a bound on the number of errors one parse records
 * (index.ts gives each parse a budget; past it, TooManySyntaxErrors ends the parse).
 */
export abstract class RecoveringParser extends CstParser {
  /** The text being parsed (recovery and the one line-sensitive rule look at line breaks); set by index.ts. */
  text = "";

  /** Where recovery resumes (see findResyncType). */
  resyncTarget: IToken | undefined = undefined;
  readonly followCache = new Map<string, TokenType[]>();

  /** True when a line break separates the last consumed token from `next`. */
  protected lineBreakBefore(next: IToken): boolean {
    const prev = this.LA(0);
    if (Number.isNaN(prev.startOffset)) return false;
    return lineBreakBetween(this.text, prev, next);
  }

  // Chevrotain's recovery hooks, made line-aware.
  findReSyncTokenType(): TokenType {
    return findResyncType(this.host());
  }

  reSyncTo(type: TokenType): IToken[] {
    return resyncTo(this.host(), type);
  }

  tryInRepetitionRecovery(
    rule: (...args: unknown[]) => unknown,
    args: unknown[],
    lookahead: () => boolean,
    expected: TokenType,
  ): void {
    tryInRepetitionRecovery(this.host(), rule, args, lookahead, expected);
  }

  /** How many more syntax errors this parse may record before it gives up (set by index.ts). */
  errorBudget = Number.POSITIVE_INFINITY;

  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (--this.errorBudget < 0) throw new TooManySyntaxErrors();
    return chevrotainRecovery.SAVE_ERROR.call(this, error);
  }

  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    return followsForInRuleRecovery(this.host(), tokType, tokIdxInRule);
  }

  private host(): RecoveryHost {
    return this as unknown as RecoveryHost;
  }

  /**
   * Recovery may pretend a missing token was there, but never an opening bracket: inventing one makes
   * the parser expect its closer too, and one mistake becomes a cascade.
   */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return !openers.has(tokType);
  }

  /**
   * Single-token insertion, only where it reads as the user meant: a missing separator ('=', ':', 'on',
   * 'with', …) within a line, a missing closer before a line break or another closer. Inserting ')' in
   * the middle of `mse(recon x, y)` would turn the rest of the line into bogus statements.
   */
  canRecoverWithSingleTokenInsertion(expected: TokenType, follows: TokenType[]): boolean {
    const next = this.LA(1);
    const newLine = lineBreakBetween(this.text, this.LA(0), next);
    const ok = closers.has(expected) ? newLine || closers.has(next.tokenType) || next.tokenType === EOF : !newLine;
    return ok && chevrotainRecovery.canRecoverWithSingleTokenInsertion.call(this, expected, follows);
  }

  /** Single-token deletion, never of a token that starts a line (likely the next statement). */
  canRecoverWithSingleTokenDeletion(expected: TokenType): boolean {
    if (lineBreakBetween(this.text, this.LA(0), this.LA(1))) return false;
    return chevrotainRecovery.canRecoverWithSingleTokenDeletion.call(this, expected);
  }
}
