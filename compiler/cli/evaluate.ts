// `dlm evaluate FILE --checkpoint PATH`: the loss and metrics of trained weights on every part of the
// file's data (train, validation, test), in eval mode (no dropout), and the train − validation gap of
// each metric: how much the model fits its training examples better than unseen ones (overfitting).

import type { Io } from "./io.js";
import { oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { loadModel, openSession, runSession, sessionData, SessionError } from "./session.js";

export const evaluateHelp = `Usage: dlm evaluate [options] FILE --checkpoint PATH

Evaluates trained weights on every part of FILE's data (train, validation, test) with the train
block's loss and metrics, in eval mode (no dropout), and prints the train − validation gap of
each (or train − test when there is no validation part): the size of the overfitting.

Options:
  --checkpoint PATH  the weights (dlm train FILE --save PATH)
  --model NAME       the train block (when the file has several)
  --target T         ts (default) or wasm
  --json             print one JSON object
  -h, --help         show this help

Exit codes: 0 ok, 1 errors in the file, its data or the checkpoint, 2 bad invocation.
`;

export async function evaluateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("evaluate", args, {
    checkpoint: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm evaluate examples/mlp.dlm --checkpoint mlp.safetensors)" : "evaluate takes one file", "evaluate");
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (train first: dlm train FILE --save PATH)", "evaluate");
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "evaluate") ?? "ts";
  return runSession(io, async () => {
    const session = await openSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target, command: "evaluate", io });
    const model = await loadModel(session, values.checkpoint!, "evaluate");
    if (!model.evaluate) throw new SessionError(`${session.program.name}'s train block has several objectives: there is no single loss to evaluate`);
    const parts = sessionData(session);
    const results: Record<string, Record<string, number>> = {};
    for (const name of ["train", "validation", "test", "all"]) {
      const d = parts[name];
      if (d && d.count > 0) results[name] = model.evaluate(d);
    }
    const other = results.validation ? "validation" : results.test ? "test" : undefined;
    const gap: Record<string, number> = {};
    if (results.train && other) for (const [m, v] of Object.entries(results.train)) gap[m] = v - (results[other]![m] ?? NaN);
    if (values.json) {
      io.out(JSON.stringify({ model: session.program.name, ...results, ...(other ? { gap_against: other, gap } : {}) }) + "\n");
      return 0;
    }
    const metrics = Object.keys(Object.values(results)[0] ?? {});
    const width = Math.max(10, ...Object.keys(results).map((p) => p.length));
    io.out(`${"".padEnd(width)}  ${metrics.map((m) => m.padStart(10)).join("  ")}\n`);
    for (const [part, r] of Object.entries(results)) {
      io.out(`${part.padEnd(width)}  ${metrics.map((m) => (r[m] ?? NaN).toFixed(4).padStart(10)).join("  ")}  (${parts[part]!.count} examples)\n`);
    }
    if (other) io.out(`${`gap (train − ${other})`}: ${metrics.map((m) => `${m} ${/acc/i.test(m) ? `${(gap[m]! * 100).toFixed(1)} points` : gap[m]!.toFixed(4)}`).join(", ")}\n`);
    return 0;
  });
}
