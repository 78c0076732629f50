// The one catalogue of diagnostic codes, for every stage.
//
// It lives in grammar/ because grammar/ is the first stage and depends on nothing; every later stage
// already imports spans from here. Ranges:
//   DLM0xxx  lexing and syntax (grammar/)
//   DLM1xxx  names and declarations (compiler/check)
//   DLM2xxx  types and shapes (compiler/check)
//   DLM3xxx  data, train and generate blocks (compiler/check)
//   DLM4xxx  lowering, autodiff and later compiler stages (compiler/)
//   DLM5xxx  limits: sizes and depths the compiler refuses
//   DLM8xxx  warnings
// A code never changes meaning once released; retire it instead of reusing it.

import type { Diagnostic, Related, Severity, Span } from "./source.js";

interface CodeInfo {
  severity: Severity;
  /** A short title for docs and --json output; the message itself is built where the error is found. */
  title: string;
}

export const diagnosticCodes = {
  // --- DLM0xxx: lexing and syntax -------------------------------------------------------------------
  DLM0001: { severity: "error", title: "unexpected character" },
  DLM0002: { severity: "error", title: "unterminated string" },
  DLM0003: { severity: "error", title: "unterminated block comment" },
  DLM0004: { severity: "error", title: "invalid escape in string" },
  DLM0010: { severity: "error", title: "unexpected token" },
  DLM0011: { severity: "error", title: "missing token" },
  DLM0012: { severity: "error", title: "unexpected end of file" },
  DLM0013: { severity: "error", title: "expected a declaration" },
  DLM0020: { severity: "error", title: "invalid number" },

  // --- DLM1xxx: names and declarations ---------------------------------------------------------------

  // --- DLM2xxx: types and shapes ---------------------------------------------------------------------

  // --- DLM3xxx: data, train and generate -------------------------------------------------------------

  // --- DLM4xxx: lowering and later stages -------------------------------------------------------------

  // --- DLM5xxx: limits --------------------------------------------------------------------------------
  DLM5001: { severity: "error", title: "nesting too deep" },
  DLM5002: { severity: "error", title: "file too large" },

  // --- DLM8xxx: warnings ------------------------------------------------------------------------------
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof diagnosticCodes;

export function diagnostic(code: DiagnosticCode, message: string, span: Span, related?: Related[]): Diagnostic {
  const d: Diagnostic = { code, severity: diagnosticCodes[code].severity, message, span };
  if (related && related.length > 0) d.related = related;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
