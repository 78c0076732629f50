// Where the CLI writes: results on stdout, progress and diagnostics on stderr; colour only when the stream
// is a terminal and NO_COLOR is unset (FORCE_COLOR forces it), as node:util's styleText conventions expect.

import { accessSync, constants, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "./usage.js";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Colours for stderr. */
  color: boolean;
  /** True when stderr is a terminal (live progress lines). */
  errIsTty: boolean;
}

export function processIo(): Io {
  const force = process.env.FORCE_COLOR;
  const color =
    force !== undefined && force !== "0" && force !== "false"
      ? true
      : !process.env.NO_COLOR && force !== "0" && force !== "false" && Boolean(process.stderr.isTTY);
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    color,
    errIsTty: Boolean(process.stderr.isTTY),
  };
}

/** Reads a source file; a missing or unreadable file is a bad invocation, said plainly. */
export async function readSource(path: string, command: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String((e as Error).message);
    throw new UsageError(`cannot read '${path}': ${why}`, command);
  }
}

/**
 * Checks, before any work, that `path` can be written (its directory exists and is writable, and it is
 * not a directory): a long training run must not end by failing to save.
 */
export function checkWritablePath(path: string, option: string, command: string): void {
  const target = resolve(path);
  const dir = dirname(target);
  const fail = (why: string) => new UsageError(`${option} '${path}': ${why}`, command);
  try {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw fail("it is a directory");
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw fail(`the directory '${dirname(path)}' does not exist`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw fail(`cannot write in '${dirname(path)}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
