// Function imports for a WasmModule. The wrapper (../module.ts, another owner) only imports the memory;
// the whole-program emitter also imports JS thunks (ops that have no Wasm generator yet). Until the
// wrapper has `addFunctionImport`, this reaches the binaryen module through the function builder, the
// one place the wrapper exposes it (a protected field, read here on purpose and nowhere else).
//
// Hook wanted in module.ts: `addFunctionImport(name: string, module: string, base: string): void` for a
// `() => void` import.

import type { FunctionBuilder } from "../func.js";
import type { BinaryenApi, BinaryenModule } from "../binaryen.js";

interface Internals {
  mod: BinaryenModule;
  bin: BinaryenApi;
}

/** Declares `env.<name>` as an imported `() => void` function callable as `name`. */
export function importThunk(f: FunctionBuilder, name: string): void {
  const { mod, bin } = f as unknown as Internals;
  mod.addFunctionImport(name, "env", name, bin.none, bin.none);
}
