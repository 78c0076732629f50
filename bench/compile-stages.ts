// One `dlm compile --target wasm` split into stages, in this fresh process (run by compile-time.ts with
// --stages): CPU milliseconds of node's startup, the imports, front end, lowering, passes, emission
// (plans, kernels, glue) and binaryen's validate/optimize/emit, and writing. Prints one JSON line.
//
// Run: node dist/bench/compile-stages.js FILE.dlm OUTDIR

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FinishOptions, WasmModule as WasmModuleType } from "../compiler/emit/wasm/module.js";

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface StageTimes {
  file: string;
  /** CPU ms per stage, in order. */
  stages: Record<string, number>;
}

export async function compileStages(file: string, outDir: string): Promise<StageTimes> {
  const stages: Record<string, number> = { "node startup": cpuMs() };
  let last = cpuMs();
  const lap = (name: string): void => {
    const now = cpuMs();
    stages[name] = (stages[name] ?? 0) + now - last;
    last = now;
  };
  const { frontEnd } = await import("../compiler/frontend.js");
  lap("import front end");
  const { lowerProgram } = await import("../compiler/lower/index.js");
  const { optimizeProgram } = await import("../compiler/pipeline.js");
  lap("import lower + passes");
  const { emitWasm } = await import("../compiler/emit/wasm/program/index.js");
  const { WasmModule } = await import("../compiler/emit/wasm/module.js");
  lap("import emitter");
  const { loadBinaryen, prefetchBinaryen } = await import("../compiler/emit/wasm/binaryen.js");
  prefetchBinaryen(); // as dlm compile does: inside the Liftoff window
  await loadBinaryen();
  lap("import binaryen");
  // finish() is binaryen's validate + optimize + emit: timed apart from the rest of the emitter
  const finish = WasmModule.prototype.finish;
  WasmModule.prototype.finish = function (this: WasmModuleType, options?: FinishOptions) {
    lap("emit: plans, kernels");
    try {
      return finish.call(this, options);
    } finally {
      lap("binaryen validate/optimize/emit");
    }
  };
  const text = await readFile(file, "utf8");
  const fe = frontEnd(text, file);
  lap("front end");
  const lowered = lowerProgram(fe.checked, file, {});
  lap("lower");
  const { program } = optimizeProgram(lowered.program, {});
  lap("passes");
  const out = await emitWasm(program, { sources: { [file]: text } });
  lap("emit: glue");
  await mkdir(outDir, { recursive: true });
  for (const [name, code] of Object.entries({ ...out.files, [out.wasmFile]: out.wasm })) await writeFile(join(outDir, name), code);
  lap("write");
  WasmModule.prototype.finish = finish;
  return { file, stages };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, out] = process.argv.slice(2);
  if (file === undefined || out === undefined) throw new Error("usage: compile-stages.js FILE.dlm OUTDIR");
  process.stdout.write(JSON.stringify(await compileStages(file, out)) + "\n");
}
