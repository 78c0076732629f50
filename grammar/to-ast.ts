// CST → AST: one visitor method per grammar rule, typed by cst.generated.d.ts, attaching a span to every
// node. This file has the declarations; to-ast-expr.ts the expressions and the shared helpers.
//
// The CST may be partial (recovery): any child, even one the types call required, may be missing or be a
// token inserted by recovery (NaN offsets, empty image). A node whose identity is missing (a model
// without a name, a binding without a target) is dropped; a missing expression becomes ErrorExpr.

import type * as A from "./ast.js";
import type * as C from "./cst.generated.js";
import { diagnostic } from "./diagnostics.js";
import type { SourceFile } from "./source.js";
import { defined, ExprBuilder, real } from "./to-ast-expr.js";
import type { Site } from "./to-ast-expr.js";

export { MAX_AST_DEPTH } from "./to-ast-expr.js";
export type { Site } from "./to-ast-expr.js";

export class AstBuilder extends ExprBuilder implements C.ICstNodeVisitor<Site, unknown> {
  constructor(source: SourceFile) {
    super(source);
    this.validateVisitor();
  }

  /** Builds one declaration (the CST of one `topItem` parse), or nothing if too little of it parsed. */
  build(node: C.TopItemCstNode): A.TopItem | undefined {
    this.reportedDepth = false;
    return this.topItem(node.children, this.site(node, { start: 0, end: this.source.text.length }));
  }

  // ---- declarations ------------------------------------------------------------------------------

  topItem(c: C.TopItemCstChildren, s: Site): A.TopItem | undefined {
    const [m, d, t, g] = [c.modelDecl?.[0], c.dataDecl?.[0], c.trainDecl?.[0], c.generateDecl?.[0]];
    if (m) return this.modelDecl(m.children, this.site(m, s));
    if (d) return this.dataDecl(d.children, this.site(d, s));
    if (t) return this.trainDecl(t.children, this.site(t, s));
    if (g) return this.generateDecl(g.children, this.site(g, s));
    return undefined;
  }

  modelDecl(c: C.ModelDeclCstChildren, s: Site): A.ModelDecl | undefined {
    const name = this.ident(c.Identifier?.[0]);
    if (name === undefined) return undefined;
    const pl = c.paramList?.[0];
    const params = pl ? this.paramList(pl.children, this.site(pl, s)) : [];
    const body = defined((c.modelStmt ?? []).map((n) => this.modelStmt(n.children, this.site(n, s))));
    return { kind: "ModelDecl", name, params, body, span: this.span(s) };
  }

  paramList(c: C.ParamListCstChildren, s: Site): A.ModelParam[] {
    return defined((c.param ?? []).map((n) => this.param(n.children, this.site(n, s))));
  }

  param(c: C.ParamCstChildren, s: Site): A.ModelParam | undefined {
    const name = this.ident(c.Identifier?.[0]);
    const type = this.ident(c.Identifier?.[1]);
    if (name === undefined || type === undefined) return undefined;
    const p: A.ModelParam = { kind: "ModelParam", name, type, span: this.span(s) };
    if (c.Equals !== undefined) p.default = this.exprOr(c.expr?.[0], s);
    return p;
  }

  modelStmt(c: C.ModelStmtCstChildren, s: Site): A.ModelStmt | undefined {
    const p = c.portDecl?.[0];
    if (p) return this.portDecl(p.children, this.site(p, s));
    const b = c.binding?.[0];
    if (b) return this.binding(b.children, this.site(b, s));
    return undefined;
  }

  portDecl(c: C.PortDeclCstChildren, s: Site): A.InputDecl | A.OutputDecl | undefined {
    const name = this.ident(c.Identifier?.[0]);
    const tt = c.tensorType?.[0];
    const type = tt ? this.tensorType(tt.children, this.site(tt, s)) : undefined;
    if (name === undefined || type === undefined) return undefined;
    return { kind: c.Input ? "InputDecl" : "OutputDecl", name, type, span: this.span(s) };
  }

  tensorType(c: C.TensorTypeCstChildren, s: Site): A.TensorType | undefined {
    const dtype = this.ident(c.Identifier?.[0]);
    if (dtype === undefined) return undefined;
    const dims = (c.expr ?? []).map((n) => this.exprOr(n, s));
    if (dims.length === 0) dims.push(this.error({ start: s.end, end: s.end }));
    return { kind: "TensorType", dtype, dims, span: this.span(s) };
  }

  binding(c: C.BindingCstChildren, s: Site): A.Binding | undefined {
    const pn = c.pattern?.[0];
    const target = pn ? this.pattern(pn.children, this.site(pn, s)) : undefined;
    if (target === undefined) return undefined;
    return { kind: "Binding", target, value: this.exprOr(c.expr?.[0], s), span: this.span(s) };
  }

  pattern(c: C.PatternCstChildren, s: Site): A.Pattern | undefined {
    const id = this.ident(c.Identifier?.[0]);
    if (id) return { kind: "NamePattern", name: id, span: id.span };
    if (c.Underscore?.[0] && real(c.Underscore[0])) return { kind: "WildcardPattern", span: this.span(s) };
    if (c.LParen === undefined) return undefined;
    const elements = defined((c.pattern ?? []).map((n) => this.pattern(n.children, this.site(n, s))));
    return elements.length === 0 ? undefined : { kind: "TuplePattern", elements, span: this.span(s) };
  }

  dataDecl(c: C.DataDeclCstChildren, s: Site): A.DataDecl | undefined {
    const name = this.ident(c.Identifier?.[0]);
    if (name === undefined) return undefined;
    return { kind: "DataDecl", name, value: this.exprOr(c.expr?.[0], s), span: this.span(s) };
  }

  trainDecl(c: C.TrainDeclCstChildren, s: Site): A.TrainDecl | undefined {
    const target = this.ident(c.Identifier?.[0]);
    const data = this.ident(c.Identifier?.[1]);
    if (target === undefined || data === undefined) return undefined;
    const da = c.declArgs?.[0];
    const args = da ? this.declArgs(da.children, this.site(da, s)) : [];
    const items = defined((c.trainItem ?? []).map((n) => this.trainItem(n.children, this.site(n, s))));
    return { kind: "TrainDecl", target, args, data, items, span: this.span(s) };
  }

  trainItem(c: C.TrainItemCstChildren, s: Site): A.TrainItem | undefined {
    const st = c.stepBlock?.[0];
    if (st) return this.stepBlock(st.children, this.site(st, s));
    const b = c.binding?.[0];
    if (b) return this.binding(b.children, this.site(b, s));
    const se = c.setting?.[0];
    if (se) return this.setting(se.children, this.site(se, s));
    return undefined;
  }

  stepBlock(c: C.StepBlockCstChildren, s: Site): A.StepBlock {
    const stmts: A.StepStmt[] = [];
    const nodes: (C.BindingCstNode | C.MinimizeCstNode)[] = [...(c.binding ?? []), ...(c.minimize ?? [])];
    nodes.sort((a, b) => this.site(a, s).start - this.site(b, s).start);
    for (const n of nodes) {
      const stmt =
        n.name === "binding" ? this.binding(n.children, this.site(n, s)) : this.minimize(n.children, this.site(n, s));
      if (stmt) stmts.push(stmt);
    }
    return { kind: "StepBlock", stmts, span: this.span(s) };
  }

  minimize(c: C.MinimizeCstChildren, s: Site): A.Minimize {
    const over = defined((c.Identifier ?? []).map((t) => this.ident(t)));
    const loss = this.exprOr(c.expr?.[0], s);
    const optimizer = this.exprOr(c.expr?.[1], s);
    return { kind: "Minimize", loss, over, optimizer, span: this.span(s) };
  }

  setting(c: C.SettingCstChildren, s: Site): A.Setting | undefined {
    const key = this.ident(c.Identifier?.[0]);
    if (key === undefined) return undefined;
    if (c.arg === undefined) {
      const msg = `expected a value after '${key.name}' on the same line (a setting reads like 'batch 64')`;
      this.diagnostics.push(diagnostic("DLM0011", msg, key.span));
      return undefined;
    }
    const args = defined(c.arg.map((n) => this.arg(n.children, this.site(n, s))));
    return { kind: "Setting", key, args, span: this.span(s) };
  }

  generateDecl(c: C.GenerateDeclCstChildren, s: Site): A.GenerateDecl | undefined {
    const target = this.ident(c.Identifier?.[0]);
    if (target === undefined) return undefined;
    const da = c.declArgs?.[0];
    const args = da ? this.declArgs(da.children, this.site(da, s)) : [];
    const settings = defined((c.setting ?? []).map((n) => this.setting(n.children, this.site(n, s))));
    return { kind: "GenerateDecl", target, args, settings, span: this.span(s) };
  }

  declArgs(c: C.DeclArgsCstChildren, s: Site): A.Arg[] {
    return this.args(c.argList?.[0], s);
  }
}
