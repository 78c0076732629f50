// Compile to Wasm in memory and import, like compiler/emit/ts/load.ts: the glue module is transpiled,
// its runtime import pointed at this installation's runtime, and written with its .wasm to a fresh temp
// directory; it is imported and its Wasm compiled (compileWasm), after which the directory is removed.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CompiledProgram } from "../../../program/types.js";
import type { LoadOptions } from "../../ts/load.js";
import type { WasmEmitOptions } from "./index.js";
import { emitWasm } from "./index.js";

export type WasmLoadOptions = LoadOptions & WasmEmitOptions;

/**
 * Emits, transpiles and imports the program's Wasm-target module; returns its exports (one class per
 * model). Relaxed SIMD is used when this engine has it (`relaxedSimd` defaults to "auto" here).
 */
export async function loadCompiledWasm(program: CompiledProgram, options: WasmLoadOptions = {}): Promise<Record<string, unknown>> {
  const out = await emitWasm(program, { ...options, format: options.format ?? false, relaxedSimd: options.relaxedSimd ?? "auto", declarations: false });
  const [name, source] = Object.entries(out.files)[0] ?? [];
  if (name === undefined || source === undefined) throw new Error("loadCompiledWasm: no module emitted");
  // ts/load.js transpiles with the TypeScript compiler: imported here, so that emitting alone never loads it.
  const { defaultRuntimeUrl, transpileForLoad } = await import("../../ts/load.js");
  const js = transpileForLoad(source, options.runtimeUrl ?? defaultRuntimeUrl(), name);
  const dir = await mkdtemp(join(tmpdir(), "dlm-wasm-"));
  const path = join(dir, name.replace(/\.ts$/, ".mjs"));
  await writeFile(join(dir, out.wasmFile), out.wasm);
  await writeFile(path, js, "utf8");
  try {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    // Compile the .wasm now, while the directory exists (create() would otherwise read it later).
    await (mod["compileWasm"] as () => Promise<object>)();
    return mod;
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
