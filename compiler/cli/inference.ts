// What `dlm generate` and `dlm forecast` share: compile one model of a file at batch 1 (inference runs one
// sequence at a time; the weights do not depend on the batch), load a checkpoint into it, and say plainly
// what is wrong with a bad file, a checkpoint that is not one, or one written for another model.

import { existsSync } from "node:fs";
import { renderDiagnostics } from "../diagnostics/render.js";
import { frontEnd, type FrontEndResult } from "../frontend.js";
import { lowerProgram } from "../lower/index.js";
import { loadCompiled } from "../emit/ts/load.js";
import { loadCompiledWasm } from "../emit/wasm/program/index.js";
import { optimizeProgram } from "../pipeline.js";
import { classNameOf } from "../emit/ts/index.js";
import { sequenceKind, type SequenceKind } from "../emit/ts/model-sequence.js";
import type { ModelProgram } from "../program/types.js";
import type { Diagnostic } from "../../grammar/source.js";
import { loadCheckpoint } from "../../runtime/checkpoint.js";
import type { Io } from "./io.js";
import { UsageError, UserError } from "./usage.js";

/** One clear message for the user (exit code 1, printed by main), never a stack trace. */
export class InferenceError extends UserError {
  override name = "InferenceError";
}

export interface LoadedForInference<M> {
  front: FrontEndResult;
  program: ModelProgram;
  model: M;
  /** The checkpoint's metadata (vocabulary, statistics, …). */
  metadata: Readonly<Record<string, string>>;
}

/** Front end of a file; its errors rendered to stderr (then undefined: exit 1). */
export function checkFile(text: string, file: string, io: Io): FrontEndResult | undefined {
  const front = frontEnd(text, file);
  if (!front.diagnostics.some((d) => d.severity === "error")) return front;
  io.err(renderDiagnostics(front.diagnostics, new Map([[front.source.name, front.source]]), { color: io.color }) + "\n");
  return undefined;
}

/** The trained models of a file that have the wanted kind, by name (a train block makes a model). */
export function modelsOfKind(front: FrontEndResult, file: string, kind: SequenceKind): string[] {
  const lowered = lowerProgram(front.checked, file, { batch: 1 });
  return lowered.program.models.filter((m) => sequenceKind(m) === kind).map((m) => m.name);
}

/** Picks the model: --model, else the only one that fits; a clear usage error otherwise. */
export function chooseModel(candidates: readonly string[], wanted: string | undefined, file: string, command: string, what: string): string {
  if (wanted !== undefined) {
    if (!candidates.includes(wanted)) throw new UsageError(`'${wanted}' is not a trained ${what} in ${file}${candidates.length > 0 ? ` (have: ${candidates.join(", ")})` : ""}`, command);
    return wanted;
  }
  if (candidates.length === 0) throw new InferenceError(`${file} has no trained ${what} (a model with a train block of that shape)`);
  if (candidates.length > 1) throw new UsageError(`${file} has several ${what}s (${candidates.join(", ")}): choose one with --model`, command);
  return candidates[0]!;
}

interface InferenceClass<M> {
  create(options?: { seed?: number }): Promise<M & { load(path: string): Promise<void> }>;
}

/** Compiles `name` at batch 1 for the target, creates it and loads the checkpoint's weights. */
export async function loadForInference<M>(front: FrontEndResult, file: string, name: string, checkpoint: string, target: "ts" | "wasm", io: Io): Promise<LoadedForInference<M> | undefined> {
  const lowered = lowerProgram(front.checked, file, { batch: 1 });
  const errors: Diagnostic[] = lowered.diagnostics.filter((d) => d.severity === "error");
  const mp = lowered.program.models.find((m) => m.name === name);
  if (errors.length > 0 || !mp) {
    io.err(renderDiagnostics(errors, new Map([[front.source.name, front.source]]), { color: io.color }) + "\n");
    throw new InferenceError(`the model '${name}' could not be compiled`);
  }
  if (!existsSync(checkpoint)) throw new InferenceError(`no checkpoint at ${checkpoint} (write one with: dlm train ${file} --save ${checkpoint})`);
  let metadata: Readonly<Record<string, string>>;
  try {
    metadata = (await loadCheckpoint(checkpoint)).metadata;
  } catch (e) {
    throw new InferenceError(`cannot read the checkpoint ${checkpoint}: ${reason(e, checkpoint)}`);
  }
  // Inference needs predict only: without the train and evaluate steps the module compiles faster.
  const { train: _train, evaluate: _evaluate, ...predictOnly } = mp;
  const { program } = optimizeProgram({ ...lowered.program, models: [predictOnly] });
  const module = target === "wasm" ? await loadCompiledWasm(program) : await loadCompiled(program);
  const cls = module[classNameOf(program, mp.name)] as InferenceClass<M> | undefined;
  if (!cls) throw new Error(`generated module has no class for ${mp.name}`);
  const model = await cls.create();
  try {
    await model.load(checkpoint);
  } catch (e) {
    throw new InferenceError(`the checkpoint ${checkpoint} does not hold the weights of '${name}': ${reason(e, checkpoint)}`);
  }
  const saved = metadata["dlm.model"];
  if (saved !== undefined && saved !== name) io.err(`dlm: note: ${checkpoint} was saved from model '${saved}', loaded into '${name}'\n`);
  return { front, program: program.models[0]!, model, metadata };
}

function reason(e: unknown, path: string): string {
  const text = e instanceof Error ? e.message : String(e);
  // The loaders prefix the path; the message already names it once.
  return text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
}
