// Shared by the grammar tests: a one-line-per-diagnostic text form, and structural checks on spans.

import type { Node, Program } from "../../grammar/ast.js";
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
