// Durable, atomic file writes for everything dlm saves (checkpoints, images): a temp file in the same
// directory, fsync, rename over the target (write-file-atomic does these three), then fsync the directory
// so the rename itself survives a crash. A failure at any point leaves the previous file untouched.

import { closeSync, fsyncSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import writeFileAtomic from "write-file-atomic";

export interface AtomicWriteOptions {
  /** Test hook: called once the temp file exists, before data is written; a throw aborts the write. */
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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function writeOptions(options: AtomicWriteOptions): writeFileAtomic.Options {
  return { fsync: true, ...(options.onTempFile ? { tmpfileCreated: options.onTempFile } : {}) };
}

export async function writeFileDurable(path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const target = resolve(path);
  await writeFileAtomic(target, asBuffer(bytes), writeOptions(options));
  fsyncDirectory(dirname(target));
}

export function writeFileDurableSync(path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): void {
  const target = resolve(path);
  writeFileAtomic.sync(target, asBuffer(bytes), writeOptions(options));
  fsyncDirectory(dirname(target));
}
