// CST → AST for expressions, and the helpers every visitor method shares (sites, spans, depth bound).
// to-ast.ts extends this class with the declaration rules; together they are the one CST visitor.
//
// Design notes
// - Each method gets the `Site` of its node: the node's offsets, or for a node recovery left empty a
//   zero-width site right after what precedes it (its operator, its '|>', or its parent's end), so
//   children always lie inside their parents.
// - Expression depth is bounded: a node deeper than MAX_AST_DEPTH becomes ErrorExpr, and so does every
//   expression above it (its depth is recorded as the maximum), with one DLM5001 per declaration. Later
//   stages may then recurse over any tree without fear. Binary operators fold left, built in loops, so a
//   long sum never recurses here.

import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type * as C from "./cst.generated.js";
import { diagnostic } from "./diagnostics.js";
import { decodeString, numberProblem } from "./lexer.js";
import { parser } from "./parser.js";
import type { Diagnostic, SourceFile, Span } from "./source.js";
import { spanAt } from "./source.js";

export const MAX_AST_DEPTH = 256;

/** Half-open offsets of a CST node. */
export interface Site {
  start: number;
  end: number;
}

const BaseVisitor = parser.getBaseCstVisitorConstructor<Site, unknown>();

export abstract class ExprBuilder extends BaseVisitor {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly depth = new WeakMap<object, number>();
  protected reportedDepth = false;

  constructor(protected readonly source: SourceFile) {
    super();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  protected site(node: CstNode | undefined, parent: Site): Site {
    const loc = node?.location;
    if (loc === undefined || Number.isNaN(loc.startOffset) || Number.isNaN(loc.endOffset ?? NaN)) {
      return { start: parent.end, end: parent.end };
    }
    return { start: loc.startOffset, end: loc.endOffset! + 1 };
  }

  protected span(s: Site): Span {
    return spanAt(this.source, s.start, s.end);
  }

  protected tokenSite(t: IToken): Site {
    return { start: t.startOffset, end: t.startOffset + t.image.length };
  }

  protected ident(t: IToken | undefined): A.Identifier | undefined {
    if (t === undefined || !real(t)) return undefined;
    return { kind: "Identifier", name: t.image, span: this.span(this.tokenSite(t)) };
  }

  protected error(s: Site): A.ErrorExpr {
    return { kind: "ErrorExpr", span: this.span(s) };
  }

  /** Records the depth of a new expression; one that is too deep becomes ErrorExpr. */
  protected mk(e: A.Expr, children: readonly (A.Expr | A.Arg)[]): A.Expr {
    let d = 0;
    for (const c of children) d = Math.max(d, this.depth.get(c) ?? 1);
    if (d + 1 <= MAX_AST_DEPTH) {
      if (d > 0) this.depth.set(e, d + 1);
      return e;
    }
    if (!this.reportedDepth) {
      this.reportedDepth = true;
      this.diagnostics.push(
        diagnostic(
          "DLM5001",
          `expression nested too deeply (more than ${MAX_AST_DEPTH} levels); split it into several bindings`,
          e.span,
        ),
      );
    }
    const err: A.ErrorExpr = { kind: "ErrorExpr", span: e.span };
    this.depth.set(err, MAX_AST_DEPTH);
    return err;
  }

  protected exprOr(node: C.ExprCstNode | undefined, parent: Site): A.Expr {
    const s = this.site(node, parent);
    return node === undefined ? this.error(s) : this.expr(node.children, s);
  }

  protected args(node: C.ArgListCstNode | undefined, parent: Site): A.Arg[] {
    if (node === undefined) return [];
    return this.argList(node.children, this.site(node, parent));
  }


  // ---- expressions -------------------------------------------------------------------------------

  expr(c: C.ExprCstChildren, s: Site): A.Expr {
    const an = c.additive?.[0];
    const source = an ? this.additive(an.children, this.site(an, s)) : this.error({ start: s.start, end: s.start });
    const pipes = c.PipeOp ?? [];
    if (pipes.length === 0) return source;
    const stages: A.Expr[] = [];
    for (let i = 0; i < pipes.length; i++) {
      const n = c.stage?.[i];
      const after = pipes[i]!.startOffset + 2;
      const ns = this.site(n, { start: after, end: after });
      stages.push(n ? this.stage(n.children, ns) : this.error(ns));
    }
    return this.mk({ kind: "Pipe", source, stages, span: this.span(s) }, [source, ...stages]);
  }

  stage(c: C.StageCstChildren, s: Site): A.Expr {
    const body = c.stageBody?.[0];
    const bodyExpr = body ? this.stageBody(body.children, this.site(body, s)) : this.error({ start: s.end, end: s.end });
    if (c.Repeat === undefined) return bodyExpr;
    const pn = c.primary?.[0];
    const count = pn ? this.primary(pn.children, this.site(pn, s)) : this.error({ start: s.end, end: s.end });
    return this.mk({ kind: "Repeat", count, body: bodyExpr, span: this.span(s) }, [count, bodyExpr]);
  }

  stageBody(c: C.StageBodyCstChildren, s: Site): A.Expr {
    const call = c.call?.[0];
    if (call) return this.call(call.children, this.site(call, s));
    const t = c.Identifier?.[0];
    return t && real(t) ? { kind: "Name", name: t.image, span: this.span(this.tokenSite(t)) } : this.error(s);
  }

  additive(c: C.AdditiveCstChildren, s: Site): A.Expr {
    const ops = sortTokens(c.Plus, c.Minus);
    return this.fold(c.multiplicative ?? [], ops, s, (n, ns) => this.multiplicative(n.children, ns));
  }

  multiplicative(c: C.MultiplicativeCstChildren, s: Site): A.Expr {
    const ops = sortTokens(c.Star, c.Slash);
    return this.fold(c.unary ?? [], ops, s, (n, ns) => this.unary(n.children, ns));
  }

  /** Left-associative chain `x op y op z`, built in a loop. */
  private fold<N extends CstNode>(
    operands: readonly N[],
    ops: readonly IToken[],
    s: Site,
    build: (n: N, site: Site) => A.Expr,
  ): A.Expr {
    const first = operands[0];
    // A missing first operand sits at the start, before the operators (`x + * 2`).
    const firstSite = this.site(first, { start: s.start, end: s.start });
    let acc = first ? build(first, firstSite) : this.error(firstSite);
    for (let i = 0; i < ops.length; i++) {
      const n = operands[i + 1];
      // A missing operand sits right after its operator (`x + + 2`), so spans stay nested.
      const opEnd = ops[i]!.startOffset + 1;
      const ns = this.site(n, { start: opEnd, end: opEnd });
      const right = n ? build(n, ns) : this.error(ns);
      const span = this.span({ start: firstSite.start, end: Math.max(ns.end, opEnd) });
      const op = ops[i]!.image as A.BinaryOp;
      acc = this.mk({ kind: "Binary", op, left: acc, right, span }, [acc, right]);
    }
    return acc;
  }

  unary(c: C.UnaryCstChildren, s: Site): A.Expr {
    const pn = c.primary?.[0];
    const ps = this.site(pn, s);
    let acc = pn ? this.primary(pn.children, ps) : this.error(ps);
    const minus = c.Minus ?? [];
    for (let i = minus.length - 1; i >= 0; i--) {
      const span = this.span({ start: minus[i]!.startOffset, end: Math.max(ps.end, minus[i]!.startOffset + 1) });
      acc = this.mk({ kind: "Unary", op: "-", operand: acc, span }, [acc]);
    }
    return acc;
  }

  primary(c: C.PrimaryCstChildren, s: Site): A.Expr {
    const num = c.NumberLit?.[0];
    if (num) return this.number(num, s);
    const str = c.StringLit?.[0];
    if (str) return { kind: "StringLit", value: decodeString(str.image).value, span: this.span(s) };
    if (c.True) return { kind: "BoolLit", value: true, span: this.span(s) };
    if (c.False) return { kind: "BoolLit", value: false, span: this.span(s) };
    const call = c.call?.[0];
    if (call) return this.call(call.children, this.site(call, s));
    const id = c.Identifier?.[0];
    if (id && real(id)) return { kind: "Name", name: id.image, span: this.span(s) };
    const list = c.list?.[0];
    if (list) return this.list(list.children, this.site(list, s));
    const parens = c.parens?.[0];
    if (parens) return this.parens(parens.children, this.site(parens, s));
    return this.error(s);
  }

  private number(t: IToken, s: Site): A.Expr {
    const raw = t.image;
    if (!real(t) || numberProblem(raw) !== undefined) return this.error(s);
    const isInt = !/[.eE]/.test(raw);
    return { kind: "NumberLit", value: Number(raw), raw, isInt, span: this.span(s) };
  }

  call(c: C.CallCstChildren, s: Site): A.Expr {
    const t = c.Identifier?.[0] ?? c.Step?.[0];
    if (t === undefined || !real(t)) return this.error(s);
    const callee: A.Name = { kind: "Name", name: t.image, span: this.span(this.tokenSite(t)) };
    const args = this.args(c.argList?.[0], s);
    return this.mk({ kind: "Call", callee, args, span: this.span(s) }, args);
  }

  argList(c: C.ArgListCstChildren, s: Site): A.Arg[] {
    return (c.arg ?? []).map((n) => this.arg(n.children, this.site(n, s)));
  }

  arg(c: C.ArgCstChildren, s: Site): A.Arg {
    const value = this.exprOr(c.expr?.[0], s);
    const a: A.Arg = { kind: "Arg", value, span: this.span(s) };
    const name = c.Colon ? this.ident(c.Identifier?.[0]) : undefined;
    if (name) a.name = name;
    this.depth.set(a, (this.depth.get(value) ?? 1) + 1);
    return a;
  }

  list(c: C.ListCstChildren, s: Site): A.Expr {
    const el = c.exprList?.[0];
    const elements = el ? this.exprList(el.children, this.site(el, s)) : [];
    return this.mk({ kind: "ListLit", elements, span: this.span(s) }, elements);
  }

  parens(c: C.ParensCstChildren, s: Site): A.Expr {
    const elements = (c.expr ?? []).map((n) => this.exprOr(n, s));
    const commas = c.Comma ?? [];
    if (elements.length === 0) return this.error(s);
    if (elements.length === 1) {
      const comma = commas[0];
      if (comma !== undefined && real(comma)) {
        this.diagnostics.push(
          diagnostic(
            "DLM0010",
            "a tuple needs two or more elements; remove the ',' to group a single expression",
            this.span(this.tokenSite(comma)),
          ),
        );
      }
      return elements[0]!;
    }
    return this.mk({ kind: "TupleLit", elements, span: this.span(s) }, elements);
  }

  exprList(c: C.ExprListCstChildren, s: Site): A.Expr[] {
    return (c.expr ?? []).map((n) => this.exprOr(n, s));
  }
}

/** A token from the input, not one recovery invented. */
export function real(t: IToken): boolean {
  return t.isInsertedInRecovery !== true && !Number.isNaN(t.startOffset);
}

export function defined<X>(xs: readonly (X | undefined)[]): X[] {
  return xs.filter((x): x is X => x !== undefined);
}

export function sortTokens(a: readonly IToken[] | undefined, b: readonly IToken[] | undefined): IToken[] {
  if (!a) return b ? [...b] : [];
  if (!b) return [...a];
  return [...a, ...b].sort((x, y) => x.startOffset - y.startOffset);
}
