// `dlm check FILE...`: parse and check each file; print every diagnostic (stderr) and, per model, its inputs
// and outputs with shapes and its parameter count (stdout). `--json` prints all of it as one JSON document.

import { frontEnd, type FrontEndResult } from "../frontend.js";
import { diagnosticToJson, renderDiagnostics, summarizeDiagnostics } from "../diagnostics/render.js";
import { describeProgram, programToJson } from "./summary.js";
import { programCosts } from "./cost.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { parseCommandArgs, UsageError } from "./usage.js";

export const checkHelp = `Usage: dlm check [options] FILE...

Checks .dlm files: syntax, names, types and shapes. Prints every error and warning with its
position and an excerpt, then, per model, its inputs and outputs with shapes and its parameter count.

Options:
  --json          print diagnostics and model summaries as JSON on stdout
  --layers        also print the parameter count of every layer
  --no-cost       skip the FLOPs per training step and the arena size (they need a compile)
  --no-warnings   do not print warnings
  -h, --help      show this help

Exit codes: 0 no errors, 1 errors in a file, 2 bad invocation.
`;

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("check", args, {
    json: { type: "boolean" },
    "no-warnings": { type: "boolean" },
    layers: { type: "boolean" },
    "no-cost": { type: "boolean" },
  });
  if (positionals.length === 0) throw new UsageError("no input files (try: dlm check examples/mlp.dlm)", "check");
  const texts: [string, string][] = [];
  for (const file of positionals) texts.push([file, await readSource(file, "check")]);

  const results: FrontEndResult[] = texts.map(([file, text]) => frontEnd(text, file));
  const shown = (r: FrontEndResult) =>
    values["no-warnings"] ? r.diagnostics.filter((d) => d.severity === "error") : r.diagnostics;
  const failed = results.some((r) => r.diagnostics.some((d) => d.severity === "error"));
  const costs = results.map((r) => (values["no-cost"] ? new Map() : programCosts(r)));

  if (values.json) {
    const files = results.map((r, i) => ({
      file: r.source.name,
      ok: !r.diagnostics.some((d) => d.severity === "error"),
      diagnostics: shown(r).map(diagnosticToJson),
      ...programToJson(r, costs[i]),
    }));
    io.out(JSON.stringify({ files }, null, 2) + "\n");
    return failed ? 1 : 0;
  }

  for (const [i, r] of results.entries()) {
    const diagnostics = shown(r);
    if (diagnostics.length > 0) {
      io.err(renderDiagnostics(diagnostics, new Map([[r.source.name, r.source]]), { color: io.color }) + "\n\n");
    }
    io.out(describeProgram(r, { layers: values.layers ?? false, costs: costs[i]! }));
  }
  const all = results.flatMap(shown);
  const summary = summarizeDiagnostics(all);
  if (summary) io.err(`${summary} in ${results.length} file${results.length === 1 ? "" : "s"}\n`);
  return failed ? 1 : 0;
}
