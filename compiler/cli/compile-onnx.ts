// `dlm compile FILE --target onnx [-o DIR] [--checkpoint PATH]`: each trained model's optimized `predict`
// graph as DIR/<file>.onnx (one model) or DIR/<file>.<Model>.onnx (several), weights as initializers:
// the checkpoint's, or the initial state of `create({ seed })`.
//
// The program is lowered twice, at the batch and at the batch + 1, so the exporter can tell the batch
// axis from fixed sizes and write it as the symbolic dim "B" (compiler/emit/onnx/batch.ts); when it
// cannot, the file has the fixed batch and stderr says why.
//
// Exit codes: 0 written, 1 errors in the .dlm file or an op with no ONNX form (DLM4020, at the op's
// position), 2 a bad invocation (options, an unreadable or mismatching checkpoint).

import { createRequire } from "node:module";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import { renderDiagnostics, summarizeDiagnostics } from "../diagnostics/render.js";
import { frontEnd } from "../frontend.js";
import { lowerProgram } from "../lower/index.js";
import { optimizeProgram } from "../pipeline.js";
import type { Weights } from "../emit/onnx/index.js";
import type { CompiledProgram, ModelProgram } from "../program/types.js";
import type { Checkpoint } from "../../runtime/safetensors.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { intOption, parseCommandArgs, UsageError } from "./usage.js";

/** True when the compile arguments ask for ONNX (`--target onnx` or `--target=onnx`). */
export function wantsOnnx(args: readonly string[]): boolean {
  return args.some((a, i) => a === "--target=onnx" || (a === "--target" && args[i + 1] === "onnx"));
}

function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      return (require(path) as { version: string }).version;
    } catch {
      // dist/ and the source tree sit at different depths
    }
  }
  return "unknown";
}

function lower(text: string, file: string, batch: number | undefined, optimize: boolean) {
  const fe = frontEnd(text, file);
  const lowered = fe.diagnostics.some((d) => d.severity === "error") ? undefined : lowerProgram(fe.checked, file, batch === undefined ? {} : { batch });
  const program = lowered && optimize ? optimizeProgram(lowered.program).program : lowered?.program;
  return { fe, program, diagnostics: [...fe.diagnostics, ...(lowered?.diagnostics ?? [])] };
}

type OnnxModule = typeof import("../emit/onnx/index.js");

/** The models to export and their weights: with a checkpoint, the model it was saved from. */
function chooseModels(onnx: OnnxModule, program: CompiledProgram, checkpoint: Checkpoint | undefined, path: string | undefined, seed: number | undefined): Array<{ model: ModelProgram; weights: Weights }> {
  const { CheckpointError, initialWeights, weightsFromCheckpoint } = onnx;
  if (!checkpoint || path === undefined) return program.models.map((model) => ({ model, weights: initialWeights(model, seed) }));
  const saved = checkpoint.metadata["dlm.model"];
  const model = program.models.length === 1 ? program.models[0]! : program.models.find((m) => m.name === saved);
  if (!model) {
    throw new CheckpointError(`${path}: ${saved ? `saved from model ${saved}, which` : "it names no model, and"} the file trains ${program.models.map((m) => m.name).join(", ")}`);
  }
  return [{ model, weights: weightsFromCheckpoint(model, checkpoint, path) }];
}

export async function compileOnnxCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("compile", args, {
    target: { type: "string" },
    out: { type: "string", short: "o" },
    batch: { type: "string" },
    checkpoint: { type: "string" },
    seed: { type: "string" },
    "no-optimize": { type: "boolean" },
    "no-warnings": { type: "boolean" },
    "input-gradients": { type: "boolean" },
  });
  if (values.target !== "onnx") throw new UsageError("--target onnx is given once", "compile");
  if (values["input-gradients"]) throw new UsageError("--input-gradients is for --target ts or wasm: the ONNX file has the predict graph only", "compile");
  const batch = intOption("batch", values.batch, "compile", 1);
  const seed = values.seed === undefined ? undefined : intOption("seed", values.seed, "compile", 0);
  if (seed !== undefined && values.checkpoint !== undefined) throw new UsageError("--seed and --checkpoint exclude each other (the checkpoint has the weights)", "compile");
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "no input file (try: dlm compile examples/mlp.dlm --target onnx -o out/)" : "compile takes one file", "compile");
  }
  const file = positionals[0]!;
  const text = await readSource(file, "compile");
  const optimize = !values["no-optimize"];

  const first = lower(text, file, batch, optimize);
  const render = (ds: Diagnostic[]) => {
    const shown = values["no-warnings"] ? ds.filter((d) => d.severity === "error") : ds;
    if (shown.length === 0) return;
    io.err(renderDiagnostics(shown, new Map([[first.fe.source.name, first.fe.source]]), { color: io.color }) + "\n\n");
    io.err(`${summarizeDiagnostics(shown)} in ${file}\n`);
  };
  render(first.diagnostics);
  if (!first.program || first.diagnostics.some((d) => d.severity === "error")) return 1;
  if (first.program.models.length === 0) {
    io.err(`dlm compile: ${file} has no train block, so there is no model to export\n`);
    return 1;
  }

  // Loaded here, not at the top: `dlm compile` for the other targets never needs them.
  const onnx = await import("../emit/onnx/index.js");
  const { OnnxExportError, exportOnnx, CheckpointError } = onnx;
  const { loadCheckpoint } = await import("../../runtime/checkpoint.js");
  let checkpoint: Checkpoint | undefined;
  let chosen: Array<{ model: ModelProgram; weights: Weights }>;
  try {
    if (values.checkpoint !== undefined) checkpoint = await loadCheckpoint(values.checkpoint);
    chosen = chooseModels(onnx, first.program, checkpoint, values.checkpoint, seed);
  } catch (e) {
    if (e instanceof CheckpointError) {
      io.err(`dlm compile: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  // The second lowering only locates the batch axis: one size above every model's batch.
  const other = lower(text, file, Math.max(...first.program.models.map((m) => m.batch)) + 1, optimize).program;
  const outDir = resolve(values.out ?? dirname(file));
  const base = basename(file, extname(file));
  const producerVersion = version();
  const outputs: Array<{ path: string; bytes: Uint8Array; note: string }> = [];
  const errors: Diagnostic[] = [];
  for (const { model, weights } of chosen) {
    const twin = other?.models.find((m) => m.name === model.name);
    try {
      const out = exportOnnx(model, { weights, file, producerVersion, ...(twin ? { other: twin } : {}) });
      const name = first.program.models.length === 1 ? `${base}.onnx` : `${base}.${model.name}.onnx`;
      const batchNote = out.batch === "B" ? "batch B" : `batch fixed at ${out.batch}${out.fixedBecause ? `: ${out.fixedBecause}` : ""}`;
      const weightsNote = checkpoint ? `weights of ${values.checkpoint}` : `initial weights, seed ${seed ?? model.training?.seed ?? 0}`;
      outputs.push({ path: join(outDir, name), bytes: out.bytes, note: `${model.name}.predict, ${out.model.graph.nodes.length} nodes, ${batchNote}, ${weightsNote}` });
    } catch (e) {
      if (!(e instanceof OnnxExportError)) throw e;
      if (e.span) errors.push(diagnostic("DLM4020", `${model.name}: ${e.message}`, e.span));
      else io.err(`dlm compile: ${model.name}: ${e.message}\n`);
      if (!e.span) return 1;
    }
  }
  if (errors.length > 0) {
    render(errors);
    return 1;
  }
  await mkdir(outDir, { recursive: true });
  for (const o of outputs) {
    await writeFile(o.path, o.bytes);
    io.err(`wrote ${o.path} (${o.note})\n`);
  }
  return 0;
}
