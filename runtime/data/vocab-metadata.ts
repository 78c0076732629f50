// The character vocabulary in checkpoint metadata ("dlm.vocab"), platform-neutral: what a browser needs to
// decode with the trained vocabulary after reading a checkpoint from bytes (parseSafetensors(bytes).metadata).
//
// The value is JSON: {"size": V, "chars": "<the characters of ids 4, 5, … in order>"}. JSON escapes
// newlines and quotes, and the safetensors header is JSON too, so any character survives.

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
