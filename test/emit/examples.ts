// The examples through the real front end and lowering (what `dlm compile` runs), for goldens and
// numeric tests of the emitted code on lowered programs.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import type { CompiledProgram } from "../../compiler/program/types.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Lowered and (unless `optimize` is false) run through the optimizing passes, as `dlm compile` does. */
export function lowerExample(name: string, batch?: number, optimize = true): { program: CompiledProgram; text: string; file: string } {
  const file = `examples/${name}.dlm`;
  return lowerSource(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"), file, batch, optimize);
}

/** lowerExample for a source text of the test's own. */
export function lowerSource(text: string, file: string, batch?: number, optimize = true): { program: CompiledProgram; text: string; file: string } {
  const fe = frontEnd(text, file);
  const errors = fe.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join("; ")}`);
  const low = lowerProgram(fe.checked, file, batch === undefined ? {} : { batch });
  if (low.diagnostics.some((d) => d.severity === "error")) throw new Error(`${file}: ${low.diagnostics.map((d) => d.message).join("; ")}`);
  return { program: optimize ? optimizeProgram(low.program, { verify: true }).program : low.program, text, file };
}
