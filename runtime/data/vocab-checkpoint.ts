// The character vocabulary travels with the weights: `dlm train --save` writes it into the checkpoint's
// safetensors metadata under "dlm.vocab", and `dlm generate` reads it back, so a model always decodes
// with the characters it was trained on.
//
// The value is JSON: {"size": V, "chars": "<the characters of ids 4, 5, … in order>"}. JSON escapes
// newlines and quotes, and the safetensors header is JSON too, so any character survives.

import { loadCheckpoint, saveCheckpoint } from "../checkpoint.js";
import { CheckpointError } from "../safetensors.js";
import { CharVocab } from "./text.js";

export const VOCAB_METADATA_KEY = "dlm.vocab";

export function vocabToMetadata(vocab: CharVocab): Record<string, string> {
  return { [VOCAB_METADATA_KEY]: JSON.stringify({ size: vocab.size, chars: vocab.chars.join("") }) };
}

/** The vocabulary stored in checkpoint metadata, or undefined when there is none. */
export function vocabFromMetadata(metadata: Readonly<Record<string, string>>, path = "checkpoint"): CharVocab | undefined {
  const raw = metadata[VOCAB_METADATA_KEY];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CheckpointError(`${path}: metadata ${VOCAB_METADATA_KEY} is not JSON`);
  }
  const p = parsed as { size?: unknown; chars?: unknown };
  if (typeof p !== "object" || p === null || typeof p.size !== "number" || typeof p.chars !== "string") {
    throw new CheckpointError(`${path}: metadata ${VOCAB_METADATA_KEY} must be {"size": number, "chars": string}`);
  }
  try {
    return new CharVocab(p.size, [...p.chars]);
  } catch (e) {
    throw new CheckpointError(`${path}: metadata ${VOCAB_METADATA_KEY}: ${(e as Error).message}`);
  }
}

/** Reads the character vocabulary saved with a checkpoint (undefined when it has none). */
export async function readCheckpointVocab(path: string): Promise<CharVocab | undefined> {
  const checkpoint = await loadCheckpoint(path);
  return vocabFromMetadata(checkpoint.metadata, path);
}

/** Rewrites a checkpoint (atomically) with extra metadata merged into what it has. */
export async function addCheckpointMetadata(path: string, extra: Readonly<Record<string, string>>): Promise<void> {
  const checkpoint = await loadCheckpoint(path);
  await saveCheckpoint(path, checkpoint.tensors, { ...checkpoint.metadata, ...extra });
}

/** Stores the vocabulary in a checkpoint that `save` has just written. */
export async function saveVocabToCheckpoint(path: string, vocab: CharVocab): Promise<void> {
  await addCheckpointMetadata(path, vocabToMetadata(vocab));
}
