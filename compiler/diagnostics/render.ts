// Renders diagnostics for people (`file:line:col: error DLM1234: message` + a code frame with a caret) and
// for tools (`--json`: plain data with 1-based lines and columns).
//
// The frame is drawn by @babel/code-frame from a small excerpt that we cut ourselves: only the lines around
// the span (so a diagnostic in a 5 MB file costs nothing), split by our own line rules (babel also breaks
// at U+2028, which would shift its line numbers off ours), with control characters made visible and very
// long lines windowed around the caret.

import { codeFrameColumns } from "@babel/code-frame";
import { styleText } from "node:util";
import type { Diagnostic, SourceFile, Span } from "../../grammar/source.js";
import { diagnosticCodes } from "../../grammar/diagnostics.js";

export interface RenderOptions {
  /** ANSI colours in the header line (the CLI decides from the stream, NO_COLOR and FORCE_COLOR). */
  color?: boolean;
}

const MAX_LINE = 160;

export function renderDiagnostic(d: Diagnostic, source: SourceFile | undefined, options: RenderOptions = {}): string {
  const paint = (format: Parameters<typeof styleText>[0], text: string) =>
    options.color ? styleText(format, text) : text;
  const where = `${d.span.file}:${d.span.start.line}:${d.span.start.column}`;
  const kind = d.severity === "error" ? paint(["bold", "red"], "error") : paint(["bold", "yellow"], "warning");
  const lines = [`${paint("bold", where)}: ${kind} ${d.code}: ${paint("bold", d.message)}`];
  if (source) lines.push(codeFrame(source, d.span));
  for (const r of d.related ?? []) {
    const at = r.span ? `${r.span.file}:${r.span.start.line}:${r.span.start.column}: ` : "";
    lines.push(`  ${paint("cyan", "note")}: ${at}${r.message}`);
    if (r.span && source && r.span.file === source.name) lines.push(codeFrame(source, r.span));
  }
  return lines.join("\n");
}

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  options: RenderOptions = {},
): string {
  return diagnostics.map((d) => renderDiagnostic(d, sources.get(d.span.file), options)).join("\n\n");
}

/** One line such as "2 errors, 1 warning", or "" when there are none. */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  endOffset: number;
  severity: Diagnostic["severity"];
  code: string;
  title: string;
  message: string;
  related: { message: string; file?: string; line?: number; column?: number }[];
}

export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  return {
    file: d.span.file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    offset: d.span.start.offset,
    endOffset: d.span.end.offset,
    severity: d.severity,
    code: d.code,
    title: diagnosticCodes[d.code].title,
    message: d.message,
    related: (d.related ?? []).map((r) =>
      r.span
        ? { message: r.message, file: r.span.file, line: r.span.start.line, column: r.span.start.column }
        : { message: r.message },
    ),
  };
}

function lineText(source: SourceFile, line: number): string {
  const start = source.lineStarts[line - 1];
  if (start === undefined) return "";
  const next = source.lineStarts[line];
  let end = next === undefined ? source.text.length : next;
  while (end > start && (source.text[end - 1] === "\n" || source.text[end - 1] === "\r")) end--;
  return source.text.slice(start, end);
}

/** Makes a source line safe to print: control characters and line separators become visible. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, "\ufffd");
}

export function codeFrame(source: SourceFile, span: Span): string {
  const lineCount = source.lineStarts.length;
  const startLine = Math.min(Math.max(span.start.line, 1), lineCount);
  const endLine = Math.min(Math.max(span.end.line, startLine), lineCount);
  const first = Math.max(1, startLine - 1);
  const last = Math.min(lineCount, endLine + 1);
  // A span over many lines is shown by its first lines only.
  const shownLast = Math.min(last, startLine + 4);
  let startColumn = span.start.column;
  let endColumn = endLine === startLine ? Math.max(span.end.column, startColumn + 1) : span.end.column;
  const lines: string[] = [];
  for (let n = first; n <= shownLast; n++) {
    let text = lineText(source, n);
    if (text.length > MAX_LINE) {
      // Window long lines around the caret so the frame stays readable.
      const anchor = n === startLine ? startColumn - 1 : 0;
      const from = Math.max(0, Math.min(anchor - MAX_LINE / 2, text.length - MAX_LINE));
      text = (from > 0 ? "…" : "") + text.slice(from, from + MAX_LINE) + (from + MAX_LINE < text.length ? "…" : "");
      if (n === startLine) {
        const shift = from - (from > 0 ? 1 : 0);
        startColumn -= shift;
        if (endLine === startLine) endColumn = Math.min(endColumn - shift, text.length + 1);
      }
    }
    lines.push(printable(text));
  }
  // codeFrameColumns takes absolute line numbers when given startLine.
  const end = endLine <= shownLast ? { line: endLine, column: endColumn } : undefined;
  // `startLine` is supported by @babel/code-frame 7 but missing from its published types.
  const options: Parameters<typeof codeFrameColumns>[2] & { startLine: number } = {
    highlightCode: false,
    linesAbove: 1,
    linesBelow: 1,
    startLine: first,
  };
  return codeFrameColumns(lines.join("\n"), { start: { line: startLine, column: startColumn }, ...(end ? { end } : {}) }, options);
}
