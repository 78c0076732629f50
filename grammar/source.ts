// Source text, positions and diagnostics: the vocabulary every stage uses to point back into a `.dlm` file.
//
// Lines and columns are 1-based; a column counts UTF-16 code units (what editors and LSP count), and LF,
// CRLF and a lone CR each end one line. A leading byte-order mark is dropped before anything else looks at
// the text, so offsets index `SourceFile.text` as stored here.

import type { DiagnosticCode } from "./diagnostics.js";

export interface Position {
  /** 0-based offset into SourceFile.text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
}

export interface Span {
  file: string;
  start: Position;
  /** Exclusive end. */
  end: Position;
}

export type Severity = "error" | "warning";

export interface Related {
  message: string;
  span?: Span;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  span: Span;
  /** Extra lines under the main one: "note: layer declared here", "help: …". */
  related?: Related[];
}

export interface SourceFile {
  /** The name shown in diagnostics (as the user gave it). */
  name: string;
  /** The text with any leading BOM removed. */
  text: string;
  /** Offsets at which each line starts; lineStarts[0] === 0. */
  lineStarts: number[];
}

export function sourceFile(name: string, rawText: string): SourceFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineStarts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return { name, text, lineStarts };
}

/** Position of an offset (clamped into the text). Binary search over line starts. */
export function positionAt(file: SourceFile, offset: number): Position {
  const o = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { offset: o, line: lo + 1, column: o - file.lineStarts[lo]! + 1 };
}

export function spanAt(file: SourceFile, startOffset: number, endOffset: number): Span {
  return { file: file.name, start: positionAt(file, startOffset), end: positionAt(file, endOffset) };
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  return {
    file: a.file,
    start: a.start.offset <= b.start.offset ? a.start : b.start,
    end: a.end.offset >= b.end.offset ? a.end : b.end,
  };
}
