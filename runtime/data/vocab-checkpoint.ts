// The character vocabulary travels with the weights: `dlm train --save` writes it into the checkpoint's
// safetensors metadata under "dlm.vocab", and `dlm generate` reads it back, so a model always decodes
// with the characters it was trained on.
//
// The value is JSON: {"size": V, "chars": "<the characters of ids 4, 5, … in order>"}. JSON escapes
// newlines and quotes, and the safetensors header is JSON too, so any character survives.

import { loadCheckpoint, saveCheckpoint } from "../checkpoint.js";
import type { CharVocab } from "./text.js";
import { vocabFromMetadata, vocabToMetadata } from "./vocab-metadata.js";

// The metadata encoding itself is platform-neutral (vocab-metadata.ts); this file adds the checkpoint files.
export { VOCAB_METADATA_KEY, vocabFromMetadata, vocabToMetadata } from "./vocab-metadata.js";

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
