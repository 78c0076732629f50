// What `dlm attack` and `dlm explain` share: the train block compiled with its input-gradient steps
// (inputGradient, saliency), and which tensors make it a classifier (one f32 input field, an i32 label
// field, a first output of class scores). The rest (data, checkpoints, failures) is session.ts's.

import type { TensorSpec } from "../program/types.js";
import type { Io } from "./io.js";
import type { Arrays, Session, SessionModel } from "./session.js";
import { openSession, SessionError } from "./session.js";

/** The generated methods `dlm attack` and `dlm explain` call (model-trust.ts). */
export interface TrustModel extends SessionModel {
  inputGradient(batch: Arrays): { loss: Float32Array; gradients: Record<string, Float32Array> };
  saliency(inputs: Arrays, classIndex: number | ArrayLike<number>): { scores: Float32Array; gradients: Record<string, Float32Array> };
  integratedGradients(inputs: Arrays, classIndex: number | ArrayLike<number>, options?: { baseline?: Record<string, Float32Array>; steps?: number }):
    { attributions: Record<string, Float32Array>; scores: Float32Array; baselineScores: Float32Array };
}

/** openSession with the input-gradient steps (which every other command would pay for in compile time). */
export function openTrustSession(file: string, options: { model?: string; target: "ts" | "wasm"; command: string; io: Io }): Promise<Session> {
  return openSession(file, { ...options, single: true, lowering: { inputGradients: true } });
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
