// Checkpoint files: safetensors written atomically, read with full validation.
//
// Save goes through atomic-file.ts (temp file, fsync, rename, fsync of the directory): a failure at any
// point leaves the previous checkpoint untouched and removes the temp file.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { AtomicWriteOptions } from "./atomic-file.js";
import { writeFileDurable, writeFileDurableSync } from "./atomic-file.js";
import type { Checkpoint, Tensor, TensorSpec } from "./safetensors.js";
import { CheckpointError, parseSafetensors, serializeSafetensors } from "./safetensors.js";


/** Test hook: called once the temp file exists, before data is written; a throw aborts the save. */
export type SaveOptions = AtomicWriteOptions;

/** Writes tensors (+ string metadata) to `path` atomically. */
export async function saveCheckpoint(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  options: SaveOptions = {},
): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  try {
    await writeFileDurable(path, bytes, options);
  } catch (e) {
    throw new CheckpointError(`cannot save checkpoint ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Synchronous variant of saveCheckpoint (same guarantees). */
export function saveCheckpointSync(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  options: SaveOptions = {},
): void {
  const bytes = serializeSafetensors(tensors, metadata);
  try {
    writeFileDurableSync(path, bytes, options);
  } catch (e) {
    throw new CheckpointError(`cannot save checkpoint ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function readError(path: string, e: unknown): CheckpointError {
  return new CheckpointError(`cannot read checkpoint ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
}

/** Reads and validates a checkpoint; with `expected`, names, dtypes and shapes must match exactly. */
export async function loadCheckpoint(path: string, expected?: Readonly<Record<string, TensorSpec>>): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw readError(path, e);
  }
  return parseSafetensors(bytes, path, expected);
}

export function loadCheckpointSync(path: string, expected?: Readonly<Record<string, TensorSpec>>): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  return parseSafetensors(bytes, path, expected);
}
