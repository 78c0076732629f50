// Shared by the checker tests: parse + check a `.dlm` text or an example file.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parse } from "../../grammar/index.js";
import { check, type CheckResult } from "../../compiler/check/index.js";
import { dimValue, formatDim, type Dim } from "../../compiler/check/dims.js";

export const examplesDir = join(import.meta.dirname, "../../examples");

export function checkText(text: string, file = "test.dlm"): CheckResult {
  const parsed = parse(text, file);
  expect(parsed.diagnostics.map((d) => d.message)).toEqual([]);
  return check(parsed.ast);
}

export function checkExample(name: string): CheckResult {
  return checkText(readFileSync(join(examplesDir, `${name}.dlm`), "utf8"), `${name}.dlm`);
}

/** "code line:col message" lines, for compact assertions. */
export function diagLines(r: CheckResult): string[] {
  return r.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`);
}

export function num(d: Dim | undefined): number | string {
  if (!d) return "missing";
  return dimValue(d) ?? formatDim(d);
}
