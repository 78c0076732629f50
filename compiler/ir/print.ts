// The IR printer: deterministic, one line per node, the text of `dlm compile --emit ir`, `--dump-after` and
// pass goldens.
//
//   %12 = matmul(%3, %7) {transB} : f32[64, 256] @ mlp.dlm:9:31 # hidden
//
// Attrs print in sorted key order; a true flag prints as its bare name and a false flag or null attr is
// left out, so adding an optional attr does not churn every golden. Long const values are elided.

import type { Graph, Node, ParamInit } from "./graph.js";
import type { Span } from "../../grammar/source.js";

export interface PrintOptions {
  /** Print `@ file:line:col` after each node that has a span (default true). */
  spans?: boolean;
  /** Show at most this many const values (default 8). */
  maxValues?: number;
}

export function printGraph(g: Graph, options: PrintOptions = {}): string {
  const lines: string[] = [];
  if (g.inputs.length > 0) lines.push(`inputs: ${g.inputs.map((x) => `${x.name}=%${x.node}`).join(", ")}`);
  for (const p of g.params) lines.push(`param ${p.name}=%${p.node} init ${printInit(p.init, options.maxValues ?? 8)}`);
  for (const n of g.nodes) lines.push(printNode(n, options));
  if (g.outputs.length > 0) lines.push(`outputs: ${g.outputs.map((x) => `${x.name}=%${x.node}`).join(", ")}`);
  return lines.join("\n") + "\n";
}

export function printNode(n: Node, options: PrintOptions = {}): string {
  const type = `${n.dtype}[${n.shape.join(", ")}]`;
  let head: string;
  if (n.op === "input" || n.op === "param") head = `${n.op} ${JSON.stringify(n.attrs.name)}`;
  else if (n.op === "const") head = `const ${printValues(n.attrs.values, options.maxValues ?? 8)}`;
  else head = `${n.op}(${n.inputs.map((i) => `%${i}`).join(", ")})${printAttrs(n.attrs as object)}`;
  const span = options.spans !== false && n.span ? ` @ ${printSpan(n.span)}` : "";
  const name = n.name !== undefined && n.op !== "input" && n.op !== "param" ? ` # ${n.name}` : "";
  return `%${n.id} = ${head} : ${type}${span}${name}`;
}

export function printSpan(s: Span): string {
  return `${s.file}:${s.start.line}:${s.start.column}`;
}

function printAttrs(attrs: object): string {
  const parts: string[] = [];
  for (const key of Object.keys(attrs).sort()) {
    const v = (attrs as Record<string, unknown>)[key];
    if (v === false || v === null || v === undefined) continue;
    parts.push(v === true ? key : `${key}=${printValue(v)}`);
  }
  return parts.length > 0 ? ` {${parts.join(", ")}}` : "";
}

function printValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(printValue).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

function printValues(values: readonly number[], max: number): string {
  if (values.length <= max) return `[${values.join(", ")}]`;
  return `[${values.slice(0, max).join(", ")}, … (${values.length} values)]`;
}

function printInit(init: ParamInit, max: number): string {
  switch (init.kind) {
    case "uniform": return `uniform(${init.low}, ${init.high})`;
    case "normal": return `normal(${init.mean}, ${init.std})`;
    case "zeros": return "zeros";
    case "ones": return "ones";
    case "const": return `const ${printValues(init.values, max)}`;
  }
}
