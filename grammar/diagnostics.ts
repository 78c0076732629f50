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
  DLM0014: { severity: "error", title: "too many syntax errors" },
  DLM0020: { severity: "error", title: "invalid number" },
  DLM0099: { severity: "error", title: "internal error in the parser" },

  // --- DLM1xxx: names and declarations ---------------------------------------------------------------
  DLM1001: { severity: "error", title: "unknown name" },
  DLM1002: { severity: "error", title: "name already bound" },
  DLM1003: { severity: "error", title: "output never bound" },
  DLM1004: { severity: "error", title: "unknown argument" },
  DLM1005: { severity: "error", title: "missing argument" },
  DLM1006: { severity: "error", title: "too many arguments" },
  DLM1007: { severity: "error", title: "duplicate argument" },
  DLM1008: { severity: "error", title: "duplicate declaration" },
  DLM1009: { severity: "error", title: "wrong kind of name" },
  DLM1010: { severity: "error", title: "used before it is bound" },
  DLM1011: { severity: "error", title: "unknown model" },
  DLM1012: { severity: "error", title: "unknown data" },
  DLM1013: { severity: "error", title: "unknown data source or transform" },
  DLM1014: { severity: "error", title: "recursive model" },
  DLM1015: { severity: "error", title: "models nested too deeply" },

  // --- DLM2xxx: types and shapes ---------------------------------------------------------------------
  DLM2001: { severity: "error", title: "wrong argument type" },
  DLM2002: { severity: "error", title: "declared shape mismatch" },
  DLM2003: { severity: "error", title: "wrong rank" },
  DLM2004: { severity: "error", title: "shapes do not broadcast" },
  DLM2005: { severity: "error", title: "dtype mismatch" },
  DLM2006: { severity: "error", title: "shared layer applied to different sizes" },
  DLM2007: { severity: "error", title: "concat mismatch" },
  DLM2008: { severity: "error", title: "element counts differ" },
  DLM2009: { severity: "error", title: "invalid dimension" },
  DLM2010: { severity: "error", title: "invalid value" },
  DLM2011: { severity: "error", title: "tuple mismatch" },
  DLM2012: { severity: "error", title: "not a tensor" },
  DLM2013: { severity: "error", title: "unknown dtype" },
  DLM2014: { severity: "error", title: "size mismatch" },

  // --- DLM3xxx: data, train and generate -------------------------------------------------------------
  DLM3001: { severity: "error", title: "unknown data field" },
  DLM3002: { severity: "error", title: "model input does not match data field" },
  DLM3003: { severity: "error", title: "loss is not a scalar" },
  DLM3004: { severity: "error", title: "minimize over a model the loss does not reach" },
  DLM3005: { severity: "error", title: "unknown setting" },
  DLM3006: { severity: "error", title: "duplicate setting" },
  DLM3007: { severity: "error", title: "missing setting" },
  DLM3008: { severity: "error", title: "data field shares an output name" },
  DLM3009: { severity: "error", title: "invalid setting value" },
  DLM3010: { severity: "error", title: "model is not a language model" },
  DLM3011: { severity: "error", title: "transform does not apply here" },
  DLM3012: { severity: "error", title: "invalid split" },
  DLM3013: { severity: "error", title: "data does not yield examples" },
  DLM3014: { severity: "error", title: "unknown optimizer or schedule" },
  DLM3015: { severity: "error", title: "setting not allowed in this form" },

  // --- DLM4xxx: lowering and later stages -------------------------------------------------------------
  DLM4001: { severity: "error", title: "no gradient rule for op" },
  DLM4002: { severity: "error", title: "loss does not depend on a tensor it is minimized over" },
  DLM4010: { severity: "error", title: "operation cannot be lowered yet" },
  DLM4011: { severity: "error", title: "internal error while lowering an operation" },
  DLM4012: { severity: "error", title: "dimension not bound at lowering" },
  DLM4013: { severity: "error", title: "train block cannot be lowered yet" },
  DLM4020: { severity: "error", title: "operation has no ONNX export" },

  // --- DLM5xxx: limits --------------------------------------------------------------------------------
  DLM5001: { severity: "error", title: "nesting too deep" },
  DLM5002: { severity: "error", title: "file too large" },

  // --- DLM8xxx: warnings ------------------------------------------------------------------------------
  DLM8001: { severity: "warning", title: "computed but never used" },
  DLM8002: { severity: "warning", title: "layer defined but never applied" },
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
