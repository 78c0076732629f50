// Checkpoint files (Node only): safetensors written atomically, read with full validation. The bytes
// themselves are safetensors.ts (platform-neutral); generated classes serialize with it (saveBytes) and
// call writeCheckpointFile / readCheckpointFile from save(path) / load(path) only.
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
  await writeCheckpointFile(path, serializeSafetensors(tensors, metadata), options);
}

/** Writes checkpoint bytes (from serializeSafetensors) to `path` atomically; CheckpointError names the path. */
export async function writeCheckpointFile(path: string, bytes: Uint8Array, options: SaveOptions = {}): Promise<void> {
  try {
    await writeFileDurable(path, bytes, options);
  } catch (e) {
    throw new CheckpointError(`cannot save checkpoint ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The bytes of a checkpoint file, unparsed (parseSafetensors validates them); CheckpointError names the path. */
export async function readCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw readError(path, e);
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
  return parseSafetensors(await readCheckpointFile(path), path, expected);
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
