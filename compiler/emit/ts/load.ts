// Compile in memory and import: what `dlm train` and the tests use instead of writing a project.
//
// The emitted module is transpiled with the TypeScript that ts-morph bundles (`transpileModule`: types
// erased, nothing checked — the golden and consumer tests type-check the same text), its `dlm/runtime`
// import is pointed at this installation's runtime by absolute file URL, and the result is written to a
// fresh directory under os.tmpdir() and loaded with import(). No eval, no new Function.
//
// Which runtime: next to this file's own build. From dist/ (`dlm train`) that is dist/runtime/index.js;
// when this file runs as TypeScript source (vitest) it is runtime/index.ts, which the test runner
// transforms like any other source file.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ts } from "ts-morph";
import type { CompiledProgram } from "../../program/types.js";
import type { EmitOptions } from "./index.js";
import { emitTypeScript, moduleFileName } from "./index.js";

export interface LoadOptions extends EmitOptions {
  /** URL of the runtime module to link against (default: the one of this installation). */
  runtimeUrl?: string;
  /** Keep the temp directory (default: removed once imported). */
  keep?: boolean;
}

export function defaultRuntimeUrl(): string {
  const here = import.meta.url;
  const ext = here.endsWith(".ts") ? "ts" : "js";
  return new URL(`../../../runtime/index.${ext}`, here).href;
}

/** The module's JavaScript, with the runtime import rewritten to `runtimeUrl`. */
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
  // Only the import/export specifiers that name the runtime, matched as whole string literals.
  return out.outputText.replace(/(from\s+)(["'])dlm\/runtime\2/g, (_m, from: string) => `${from}${JSON.stringify(runtimeUrl)}`);
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
