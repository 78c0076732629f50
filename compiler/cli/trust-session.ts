// What `dlm attack` and `dlm explain` share: the train block compiled with its input-gradient steps
// (inputGradient, saliency), and which tensors make it a classifier (one f32 input field, an i32 label
// field, a first output of class scores). The rest (data, checkpoints, failures) is session.ts's.
//
// Design note: openSession (session.ts) lowers without the input-gradient steps, which cost compile time
// every other command would pay; this is the same sequence with `inputGradients: true`.

import { renderDiagnostics } from "../diagnostics/render.js";
import { frontEnd } from "../frontend.js";
import type { FrontEndResult } from "../frontend.js";
import { lowerProgram } from "../lower/index.js";
import { loadCompiled } from "../emit/ts/load.js";
import { loadCompiledWasm } from "../emit/wasm/program/index.js";
import { optimizeProgram } from "../pipeline.js";
import { classNameOf } from "../emit/ts/index.js";
import type { TensorSpec } from "../program/types.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import type { Arrays, Session, SessionClass, SessionModel } from "./session.js";
import { SessionError } from "./session.js";
import { UsageError } from "./usage.js";

/** The generated methods `dlm attack` and `dlm explain` call (model-trust.ts). */
export interface TrustModel extends SessionModel {
  inputGradient(batch: Arrays): { loss: Float32Array; gradients: Record<string, Float32Array> };
  saliency(inputs: Arrays, classIndex: number | ArrayLike<number>): { scores: Float32Array; gradients: Record<string, Float32Array> };
  integratedGradients(inputs: Arrays, classIndex: number | ArrayLike<number>, options?: { baseline?: Record<string, Float32Array>; steps?: number }):
    { attributions: Record<string, Float32Array>; scores: Float32Array; baselineScores: Float32Array };
}

export async function openTrustSession(file: string, options: { model?: string; target: "ts" | "wasm"; command: string; io: Io }): Promise<Session> {
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
  if (train.form !== "single") throw new SessionError(`dlm ${command} needs a train block with one loss; ${train.model}'s has a step block`);
  const lowered = lowerProgram(front.checked, file, { inputGradients: true });
  if (lowered.diagnostics.some((d) => d.severity === "error")) throw printed(lowered.diagnostics);
  const modelProgram = lowered.program.models.find((m) => m.name === train.model);
  if (!modelProgram) throw new SessionError(`the train block of '${train.model}' could not be compiled`);
  const { program } = optimizeProgram({ ...lowered.program, models: [modelProgram] });
  const module = options.target === "wasm" ? await loadCompiledWasm(program) : await loadCompiled(program);
  const cls = module[classNameOf(program, modelProgram.name)] as SessionClass | undefined;
  if (!cls) throw new Error(`generated module has no class for ${modelProgram.name}`);
  return { file, front, program: program.models[0] ?? modelProgram, cls, dataName: train.data };
}

export interface Classifier {
  /** The f32 model input (a data field of the same name) that attacks perturb and saliency explains. */
  input: TensorSpec;
  /** The i32 class label field. */
  label: TensorSpec;
  /** The first output: class scores f32[B, classes]. */
  output: TensorSpec;
  classes: number;
}

/** The classifier tensors of a session's model, or a SessionError saying what is missing. */
export function classifierOf(session: Session, command: string): Classifier {
  const m = session.program;
  const inputs = m.inputs.filter((t) => t.dtype === "f32" && m.fields.some((f) => f.name === t.name));
  const output = m.outputs[0];
  const label = m.fields.find((f) => f.dtype === "i32" && f.shape.length === 1 && !m.inputs.some((t) => t.name === f.name));
  const why =
    inputs.length !== 1 ? `one float input (it has ${inputs.length})`
    : !output || output.dtype !== "f32" || output.shape.length !== 2 ? "class scores f32[B, classes] as its first output"
    : !label ? "an integer label field in its data"
    : !m.saliency || !m.inputGradient ? "input gradients (its train block has no single loss)"
    : undefined;
  if (why !== undefined) throw new SessionError(`dlm ${command} works on classifiers: ${m.name} needs ${why}`);
  return { input: inputs[0]!, label: label!, output: output!, classes: output!.shape[1]! };
}
