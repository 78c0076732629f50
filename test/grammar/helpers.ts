// Shared by the grammar tests: a one-line-per-diagnostic text form, and structural checks on spans.

import type { Expr, Node, Program } from "../../grammar/ast.js";
import type { Diagnostic, SourceFile, Span } from "../../grammar/source.js";

export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const at = (s: Span) => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;
  return diagnostics.map((d) => `${d.code} ${d.severity} ${at(d.span)} ${d.message}`).join("\n") + "\n";
}

/** Every node-valued field and list element of a node. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "span") continue;
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

function isNode(x: unknown): x is Node {
  return typeof x === "object" && x !== null && typeof (x as { kind?: unknown }).kind === "string";
}

/** Problems with spans: outside the file, inverted, inconsistent positions, or outside the parent. */
export function spanProblems(source: SourceFile, diagnostics: readonly Diagnostic[], ast: Program): string[] {
  const problems: string[] = [];
  const lines = source.lineStarts.length;
  const check = (what: string, s: Span) => {
    const { start, end } = s;
    if (!(start.offset >= 0 && end.offset <= source.text.length && start.offset <= end.offset)) {
      problems.push(`${what}: offsets ${start.offset}..${end.offset} outside 0..${source.text.length}`);
    }
    for (const p of [start, end]) {
      if (!(p.line >= 1 && p.line <= lines && p.column >= 1)) problems.push(`${what}: bad position ${p.line}:${p.column}`);
      const lineStart = source.lineStarts[p.line - 1];
      if (lineStart !== undefined && lineStart + p.column - 1 !== p.offset) {
        problems.push(`${what}: line/column ${p.line}:${p.column} disagrees with offset ${p.offset}`);
      }
    }
    if (s.file !== source.name) problems.push(`${what}: file ${s.file}`);
  };
  for (const d of diagnostics) check(`diagnostic ${d.code}`, d.span);
  // Iterative walk: a hostile tree must not overflow the test either.
  const stack: [Node, Node | undefined][] = [[ast, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    check(node.kind, node.span);
    if (parent !== undefined) {
      const inside = node.span.start.offset >= parent.span.start.offset && node.span.end.offset <= parent.span.end.offset;
      if (!inside) {
        problems.push(
          `${node.kind} ${node.span.start.offset}..${node.span.end.offset} outside its parent ${parent.kind} ${parent.span.start.offset}..${parent.span.end.offset}`,
        );
      }
    }
    for (const c of childrenOf(node)) stack.push([c, node]);
  }
  return problems;
}

/** The AST with spans removed, for comparing trees of differently laid-out text. */
export function withoutSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSpans);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== "span") out[k] = withoutSpans(v);
  return out;
}

/** Largest depth of the tree (iterative). */
export function astDepth(root: Node): number {
  let max = 0;
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    max = Math.max(max, d);
    for (const c of childrenOf(n)) stack.push([c, d + 1]);
  }
  return max;
}

const exprKinds = [
  "NumberLit", "StringLit", "BoolLit", "Name", "ListLit", "TupleLit", "Unary", "Binary", "Call", "Pipe", "Repeat",
  "ErrorExpr",
];
const patternKinds = ["NamePattern", "WildcardPattern", "TuplePattern"];
type FieldRule = [field: string, shape: "one" | "list" | "optional", kinds: string[] | "string" | "number" | "boolean"];

/** The AST contract of grammar/ast.ts, as data: for each kind, its fields and what may be in them. */
const contract: Record<string, FieldRule[]> = {
  Identifier: [["name", "one", "string"]],
  Program: [["items", "list", ["ModelDecl", "DataDecl", "TrainDecl", "GenerateDecl"]]],
  ModelDecl: [["name", "one", ["Identifier"]], ["params", "list", ["ModelParam"]], ["body", "list", ["InputDecl", "OutputDecl", "Binding"]]],
  ModelParam: [["name", "one", ["Identifier"]], ["type", "one", ["Identifier"]], ["default", "optional", exprKinds]],
  InputDecl: [["name", "one", ["Identifier"]], ["type", "one", ["TensorType"]]],
  OutputDecl: [["name", "one", ["Identifier"]], ["type", "one", ["TensorType"]]],
  TensorType: [["dtype", "one", ["Identifier"]], ["dims", "list", exprKinds]],
  Binding: [["target", "one", patternKinds], ["value", "one", exprKinds]],
  NamePattern: [["name", "one", ["Identifier"]]],
  WildcardPattern: [],
  TuplePattern: [["elements", "list", patternKinds]],
  DataDecl: [["name", "one", ["Identifier"]], ["value", "one", exprKinds]],
  TrainDecl: [["target", "one", ["Identifier"]], ["args", "list", ["Arg"]], ["data", "one", ["Identifier"]], ["items", "list", ["Binding", "Setting", "StepBlock"]]],
  Setting: [["key", "one", ["Identifier"]], ["args", "list", ["Arg"]]],
  StepBlock: [["stmts", "list", ["Binding", "Minimize"]]],
  Minimize: [["loss", "one", exprKinds], ["over", "list", ["Identifier"]], ["optimizer", "one", exprKinds]],
  GenerateDecl: [["target", "one", ["Identifier"]], ["args", "list", ["Arg"]], ["settings", "list", ["Setting"]]],
  NumberLit: [["value", "one", "number"], ["raw", "one", "string"], ["isInt", "one", "boolean"]],
  StringLit: [["value", "one", "string"]],
  BoolLit: [["value", "one", "boolean"]],
  Name: [["name", "one", "string"]],
  ListLit: [["elements", "list", exprKinds]],
  TupleLit: [["elements", "list", exprKinds]],
  Unary: [["op", "one", "string"], ["operand", "one", exprKinds]],
  Binary: [["op", "one", "string"], ["left", "one", exprKinds], ["right", "one", exprKinds]],
  Call: [["callee", "one", ["Name"]], ["args", "list", ["Arg"]]],
  Arg: [["name", "optional", ["Identifier"]], ["value", "one", exprKinds]],
  Pipe: [["source", "one", exprKinds], ["stages", "list", exprKinds]],
  Repeat: [["count", "one", exprKinds], ["body", "one", ["Name", "Call", "ErrorExpr"]]],
  ErrorExpr: [],
};

/** Violations of the AST contract: missing required children, wrong kinds, stray fields. */
export function shapeProblems(root: Node): string[] {
  const problems: string[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const rules = contract[node.kind];
    if (rules === undefined) {
      problems.push(`unknown kind ${node.kind}`);
      continue;
    }
    const rec = node as unknown as Record<string, unknown>;
    const known = new Set(["kind", "span", ...rules.map((r) => r[0])]);
    for (const key of Object.keys(rec)) if (!known.has(key)) problems.push(`${node.kind}.${key}: unexpected field`);
    for (const [field, shape, kinds] of rules) {
      const v = rec[field];
      if (v === undefined) {
        if (shape !== "optional") problems.push(`${node.kind}.${field}: missing`);
        continue;
      }
      const values = shape === "list" ? (Array.isArray(v) ? v : (problems.push(`${node.kind}.${field}: not a list`), [])) : [v];
      for (const x of values) {
        if (typeof kinds === "string") {
          if (typeof x !== kinds) problems.push(`${node.kind}.${field}: not a ${kinds}`);
        } else if (!isNode(x) || !kinds.includes(x.kind)) {
          problems.push(`${node.kind}.${field}: ${isNode(x) ? x.kind : typeof x} not allowed`);
        } else stack.push(x);
      }
    }
  }
  return problems;
}

/** The value of the first item when it is a data declaration. */
export function firstValue(ast: Program): Expr | undefined {
  const item = ast.items[0];
  return item?.kind === "DataDecl" ? item.value : undefined;
}
