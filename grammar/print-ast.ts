// A deterministic, readable text form of the AST, for goldens and debugging: one node per line, indented
// by depth, `field: Kind key=value … @line:col-line:col`. Identifiers and scalar fields are shown inline;
// node-valued fields become indented lines in declaration order. Empty lists are left out.

import type { Node } from "./ast.js";
import type { Span } from "./source.js";

export function printAst(node: Node): string {
  const lines: string[] = [];
  printNode(node, "", 0, lines);
  return lines.join("\n") + "\n";
}

function isNode(x: unknown): x is Node {
  return typeof x === "object" && x !== null && typeof (x as { kind?: unknown }).kind === "string";
}

function at(span: Span): string {
  return `@${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}

function printNode(node: Node, label: string, depth: number, lines: string[]): void {
  const inline: string[] = [];
  const nested: [string, Node][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "kind" || key === "span") continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (isNode(v)) nested.push([`${key}[${i}]`, v]);
      });
    } else if (isNode(value)) {
      if (value.kind === "Identifier") inline.push(`${key}=${value.name}`);
      else nested.push([key, value]);
    } else if (typeof value === "string") {
      inline.push(key === "name" || key === "op" || key === "raw" ? `${key}=${value}` : `${key}=${JSON.stringify(value)}`);
    } else if (typeof value === "number" || typeof value === "boolean") {
      inline.push(`${key}=${String(value)}`);
    }
  }
  const head = [node.kind, ...inline, at(node.span)].join(" ");
  lines.push(`${"  ".repeat(depth)}${label ? `${label}: ` : ""}${head}`);
  for (const [k, v] of nested) printNode(v, k, depth + 1, lines);
}
