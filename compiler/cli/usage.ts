// Command-line argument handling shared by the commands: node:util parseArgs in strict mode, and one error
// type for a bad invocation (exit code 2, a message and a hint, never a stack trace).

import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A mistake in the user's files or data found while a command runs: main prints `dlm: message` (nothing
 * when the message is empty: the diagnostics were already rendered) and exits with 1, no stack trace.
 */
export class UserError extends Error {
  override name = "UserError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs<O extends Options> {
  values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string };
  positionals: string[];
}

/** parseArgs with its errors turned into UsageErrors that read well. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O): ParsedArgs<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedArgs<O>;
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, "") : String(e);
    throw new UsageError(message, command);
  }
}

/** An integer option: `--epochs 5`. */
export function intOption(name: string, value: string | undefined, command: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(value.trim())) throw new UsageError(`--${name} expects a whole number, got '${value}'`, command);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${value}'`, command);
  return n;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], command: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}; got '${value}'`, command);
  }
  return value as T;
}
