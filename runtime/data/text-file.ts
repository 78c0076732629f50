// Reading a text file for the `text` source (Node only: node:fs); the text itself is handled by text.ts,
// which stays platform-neutral.

import { readFileSync } from "node:fs";
import { DataError } from "./errors.js";

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new DataError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
