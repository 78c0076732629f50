// Compile in memory and import: what `dlm train` and the tests use instead of writing a project.
//
// The emitted module is transpiled with the TypeScript that ts-morph bundles (`transpileModule`: types
// erased, nothing checked — the golden and consumer tests type-check the same text), its runtime
// specifiers (`dlm/runtime/core`, imported statically, and `dlm/runtime/node`, imported by save/load when
// called; `dlm/runtime` of older modules) are pointed at this installation's runtime by absolute file URL,
// and the result is written to a fresh directory under os.tmpdir() and loaded with import(). No eval, no
// new Function.
//
// Which runtime: next to this file's own build. From dist/ (`dlm train`) that is dist/runtime/index.js
// (core.js and node.js beside it); when this file runs as TypeScript source (vitest) it is
// runtime/index.ts, which the test runner transforms like any other source file.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ts } from "ts-morph";
import type { CompiledProgram } from "../../program/types.js";
import type { EmitOptions } from "./index.js";
import { emitTypeScript, moduleFileName } from "./index.js";

export interface LoadOptions extends EmitOptions {
  /** URL of the runtime's index module to link against (default: the one of this installation); core and node are its siblings. */
  runtimeUrl?: string;
  /** Keep the temp directory (default: removed once imported). */
  keep?: boolean;
}

export function defaultRuntimeUrl(): string {
  const here = import.meta.url;
  const ext = here.endsWith(".ts") ? "ts" : "js";
  return new URL(`../../../runtime/index.${ext}`, here).href;
}

/** The URLs the runtime specifiers stand for, given the URL of the runtime's index module. */
export function runtimeUrls(runtimeUrl: string): Record<string, string> {
  const ext = runtimeUrl.endsWith(".ts") ? "ts" : "js";
  return {
    "dlm/runtime": runtimeUrl,
    "dlm/runtime/core": new URL(`core.${ext}`, runtimeUrl).href,
    "dlm/runtime/node": new URL(`node.${ext}`, runtimeUrl).href,
  };
}

/** The module's JavaScript, with the runtime specifiers rewritten to URLs next to `runtimeUrl` (the index). */
export function transpileForLoad(source: string, runtimeUrl: string, fileName = "module.ts"): string {
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  });
  // Only whole string literals naming a runtime entry: the static specifiers and the one save/load import.
  const urls = runtimeUrls(runtimeUrl);
  return out.outputText.replace(/(["'])(dlm\/runtime(?:\/core|\/node)?)\1/g, (_m, _q: string, spec: string) => JSON.stringify(urls[spec]));
}

/** Emits, transpiles and imports the program's module; returns its exports (one class per model). */
export async function loadCompiled(program: CompiledProgram, options: LoadOptions = {}): Promise<Record<string, unknown>> {
  const { files } = await emitTypeScript(program, { ...options, format: options.format ?? false });
  const name = moduleFileName(program.file);
  const source = files[name];
  if (source === undefined) throw new Error(`loadCompiled: no module ${name} emitted`);
  const js = transpileForLoad(source, options.runtimeUrl ?? defaultRuntimeUrl(), name);
  const dir = await mkdtemp(join(tmpdir(), "dlm-"));
  const path = join(dir, name.replace(/\.ts$/, ".mjs"));
  await writeFile(path, js, "utf8");
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
