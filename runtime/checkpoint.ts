// Checkpoint files: safetensors written atomically, read with full validation.
//
// Save = write a temp file in the same directory, fsync it, rename it over the target (write-file-atomic
// does these three), then fsync the directory so the rename itself survives a crash. A failure at any
// point leaves the previous checkpoint untouched and removes the temp file.

import { closeSync, fsyncSync, openSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { Checkpoint, Tensor, TensorSpec } from "./safetensors.js";
import { CheckpointError, parseSafetensors, serializeSafetensors } from "./safetensors.js";


export interface SaveOptions {
  /** Test hook: called once the temp file exists, before data is written; a throw aborts the save. */
  readonly onTempFile?: (tmpPath: string) => void;
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on a directory (EINVAL/EISDIR); the rename is done by then, so
    // only durability across a power cut is weakened, not atomicity.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "EPERM") throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes tensors (+ string metadata) to `path` atomically. */
export async function saveCheckpoint(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  options: SaveOptions = {},
): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  const target = resolve(path);
  try {
    await writeFileAtomic(target, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      fsync: true,
      ...(options.onTempFile ? { tmpfileCreated: options.onTempFile } : {}),
    });
    fsyncDirectory(dirname(target));
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
  const target = resolve(path);
  try {
    writeFileAtomic.sync(target, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      fsync: true,
      ...(options.onTempFile ? { tmpfileCreated: options.onTempFile } : {}),
    });
    fsyncDirectory(dirname(target));
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
