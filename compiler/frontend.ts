// The front end as one call: parse, then check — what `dlm check` runs and what compilation starts from.
// The checker runs on the partial tree of a file with syntax errors too, so one run reports all it can.

import { parse } from "../grammar/index.js";
import type { Program } from "../grammar/ast.js";
import type { Diagnostic, SourceFile } from "../grammar/source.js";
import { check } from "./check/index.js";
import type { CheckedProgram } from "./check/types.js";

export interface FrontEndResult {
  source: SourceFile;
  ast: Program;
  checked: CheckedProgram;
  /** Syntax diagnostics first, then the checker's, each group in source order. */
  diagnostics: Diagnostic[];
}

export function frontEnd(text: string, fileName: string): FrontEndResult {
  const parsed = parse(text, fileName);
  const checked = check(parsed.ast);
  const byPosition = (a: Diagnostic, b: Diagnostic) => a.span.start.offset - b.span.start.offset;
  return {
    source: parsed.source,
    ast: parsed.ast,
    checked: checked.program,
    diagnostics: [...parsed.diagnostics.sort(byPosition), ...checked.diagnostics.sort(byPosition)],
  };
}
