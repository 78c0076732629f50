// What `dlm sample`, `dlm reconstruct`, `dlm anomaly` and `dlm pca` share: compile one train block of a
// file in memory (either target) and hand back its generated class with the model's tensor specs, load the
// file's data, read a checkpoint into a model — each failure said once, plainly, with the right exit code.

import { existsSync } from "node:fs";
import { renderDiagnostics } from "../diagnostics/render.js";
import { frontEnd } from "../frontend.js";
import type { FrontEndResult } from "../frontend.js";
import { lowerProgram, type LowerProgramOptions } from "../lower/index.js";
import { loadCompiled } from "../emit/ts/load.js";
import { loadCompiledWasm } from "../emit/wasm/program/index.js";
import { optimizeProgram } from "../pipeline.js";
import { classNameOf } from "../emit/ts/index.js";
import type { ModelProgram, TensorSpec } from "../program/types.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { CheckpointError } from "../../runtime/safetensors.js";
import { ImageError } from "../../runtime/image/png.js";
import { loadData } from "./data.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { UsageError, UserError } from "./usage.js";

type Metrics = Record<string, number>;
export type Arrays = Record<string, Float32Array | Int32Array>;

/** The surface of a generated model class these commands use. */
export interface SessionModel {
  predict(inputs: Arrays): Record<string, Float32Array | Int32Array>;
  /** Present when the model declares an output named `score`. */
  score?: (inputs: Arrays) => Float32Array;
  fit(data: { train: Dataset; validation?: Dataset }, options: { epochs?: number; seed?: number; onEpoch?: (e: { epoch: number; train: Metrics; validation?: Metrics }) => void }): Promise<unknown>;
  evaluate?: (data: Dataset) => Metrics;
  load(path: string): Promise<void>;
  save(path: string): Promise<void>;
}
export interface SessionClass {
  batch: number;
  create(options: { seed?: number }): Promise<SessionModel>;
}

/** A user-facing failure (bad file, data or checkpoint): message printed, exit code 1. */
export class SessionError extends UserError {
  override name = "SessionError";
}

export interface Session {
  file: string;
  front: FrontEndResult;
  program: ModelProgram;
  cls: SessionClass;
  /** The train block's data declaration name. */
  dataName: string;
}

/**
 * Compiles the train block of `model` (or the file's only one). Diagnostics in the file are rendered to
 * stderr and reported as SessionError("") (already printed); a bad --model is a UsageError.
 */
export async function openSession(
  file: string,
  options: { model?: string; target: "ts" | "wasm"; command: string; io: Io; single?: boolean; lowering?: LowerProgramOptions },
): Promise<Session> {
  const { command, io } = options;
  const text = await readSource(file, command);
  const front = frontEnd(text, file);
  const printed = (diagnostics: FrontEndResult["diagnostics"]): SessionError => {
    io.err(renderDiagnostics(diagnostics, new Map([[front.source.name, front.source]]), { color: io.color }) + "\n");
    return new SessionError("");
  };
  if (front.diagnostics.some((d) => d.severity === "error")) throw printed(front.diagnostics);
  const trains = front.checked.trains;
  if (trains.length === 0) throw new SessionError(`${file} has no train block`);
  const chosen = options.model === undefined ? trains : trains.filter((t) => t.model === options.model);
  if (chosen.length !== 1) {
    const names = trains.map((t) => t.model).join(", ");
    throw new UsageError(options.model === undefined ? `${file} has several train blocks (${names}): choose one with --model` : `no train block for '${options.model}' in ${file} (have: ${names})`, command);
  }
  const train = chosen[0]!;
  if (options.single && train.form !== "single") throw new SessionError(`dlm ${command} needs a train block with one loss; ${train.model}'s has a step block`);
  const lowered = lowerProgram(front.checked, file, options.lowering);
  if (lowered.diagnostics.some((d) => d.severity === "error")) throw printed(lowered.diagnostics);
  const modelProgram = lowered.program.models.find((m) => m.name === train.model);
  if (!modelProgram) throw new SessionError(`the train block of '${train.model}' could not be compiled`);
  const { program } = optimizeProgram({ ...lowered.program, models: [modelProgram] });
  const module = options.target === "wasm" ? await loadCompiledWasm(program) : await loadCompiled(program);
  const cls = module[classNameOf(program, modelProgram.name)] as SessionClass | undefined;
  if (!cls) throw new Error(`generated module has no class for ${modelProgram.name}`);
  return { file, front, program: program.models[0] ?? modelProgram, cls, dataName: train.data };
}

/** The parts (train / validation / test / all) of the session's data. */
export function sessionData(session: Session): Record<string, Dataset> {
  const data = session.front.checked.data.find((d) => d.name === session.dataName);
  if (!data) throw new Error(`no checked data '${session.dataName}'`);
  try {
    return loadData(data);
  } catch (e) {
    if (e instanceof DataError) throw new SessionError(`cannot load data '${data.name}': ${e.message}`);
    throw e;
  }
}

/** A model of the session with a checkpoint's weights. */
export async function loadModel(session: Session, checkpoint: string, command: string): Promise<SessionModel> {
  if (!existsSync(checkpoint)) throw new UsageError(`no such checkpoint '${checkpoint}'`, command);
  const model = await session.cls.create({});
  try {
    await model.load(checkpoint);
  } catch (e) {
    if (e instanceof CheckpointError || (e instanceof Error && /checkpoint|tensor "/i.test(e.message))) {
      throw new SessionError(`${checkpoint} does not fit ${session.program.name} of ${session.file}: ${e.message}`);
    }
    throw e;
  }
  return model;
}

/** Examples per row of a tensor spec (the batch axis dropped). */
export function perExample(t: TensorSpec): number {
  return t.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Height, width and channels of one example of an image-like tensor: [H, W], [C, H, W] or [N] with N square. */
export function imageShape(t: TensorSpec): { height: number; width: number; channels: 1 | 3 } | undefined {
  const s = t.shape.slice(1);
  if (s.length === 1) {
    const side = Math.round(Math.sqrt(s[0]!));
    return side * side === s[0] ? { height: side, width: side, channels: 1 } : undefined;
  }
  if (s.length === 2) return { height: s[0]!, width: s[1]! , channels: 1 };
  if (s.length === 3 && (s[0] === 1 || s[0] === 3)) return { height: s[1]!, width: s[2]!, channels: s[0] };
  return undefined;
}

/** Runs a command body: data, checkpoint and image errors → one line on stderr and exit 1 (main does the same for SessionError). */
export async function runSession(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof DataError || e instanceof CheckpointError || e instanceof ImageError) {
      io.err(`dlm: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
