// Typed wrapper over a binaryen module: the only entry to binaryen for the Wasm emitter.
//
// A module always imports its one linear memory as "env"."memory" (the JS side owns the ArrayBuffer
// and passes byte offsets) and is created with the features every target of dlm has (Node ≥ 20:
// SIMD128, bulk memory, sign extension, non-trapping float-to-int, mutable globals). Functions are
// built through `FunctionBuilder`; `finish()` validates (a failure throws with the validator's text and
// the function's WAT), optimizes and emits the binary, then frees the binaryen module.
//
// Optimization is a fixed, short pass list rather than binaryen's -O3: the kernels are generated in the
// shape V8 compiles best, and V8's optimizing tier does the rest. Measured (CPU time, same runs): -O3 costs
// 4-5x the list below (seq2seq 0.43 s vs 0.09 s) for modules 3% smaller, and neither matmul GFLOP/s
// (64 and 256, ±1%) nor training throughput of mlp, cnn, char-lstm and transformer (±2%, noise) changes
// between no optimization, this list and -O3. `optimize: "full"` still runs -O3.

import type { Expr, ExprType, ValueType } from "./expr.js";
import type { BinaryenApi, BinaryenModule } from "./binaryen.js";
import { enterBinaryen, leaveBinaryen, loadBinaryen } from "./binaryen.js";
import type { Params } from "./func.js";
import { FunctionBuilder } from "./func.js";

export interface WasmModuleOptions {
  /** Minimum pages the imported memory must have (64 KiB each; default 1). */
  initialPages?: number;
  /** Memory shared between threads (needs the atomics feature; default false). */
  shared?: boolean;
  /**
   * Declared maximum (the imported memory's maximum must not exceed it). Default: none, or 65536 (4 GiB)
   * for shared memory, which must declare one.
   */
  maximumPages?: number;
  /** Allow relaxed SIMD ops (f32x4.relaxedMadd). Check `relaxedSimdSupported()` before loading. */
  relaxedSimd?: boolean;
}

export interface FunctionSignature<P extends Record<string, ValueType>, R extends ExprType> {
  params: P;
  result: R;
  /** Export under this name (true: the function's own name; default: not exported). */
  export?: string | boolean;
}

export interface FinishOptions {
  /** Optimize: true (default) runs the short pass list `OPTIMIZE_PASSES`, "full" binaryen's -O3, false nothing. */
  optimize?: boolean | "full";
  /** Also return the text format (after optimization). */
  wat?: boolean;
}

export interface FinishedModule {
  binary: Uint8Array;
  wat?: string;
}

export class WasmValidationError extends Error {
  readonly validatorText: string;
  readonly wat: string;
  constructor(validatorText: string, wat: string) {
    const text = validatorText.trim() || "(binaryen printed the validator's message to the console: see above)";
    const fn = /error in function ([^\]\s]+)/.exec(validatorText)?.[1];
    const at = fn ? wat.indexOf(`(func $${fn} `) : -1;
    const where = at >= 0 ? `function ${fn}` : "module";
    super(`wasm: the module does not validate:\n${text}\n--- ${where} (excerpt) ---\n${excerpt(at >= 0 ? wat.slice(at) : wat)}`);
    this.name = "WasmValidationError";
    this.validatorText = validatorText;
    this.wat = wat;
  }
}

function excerpt(wat: string, maxLines = 60): string {
  const lines = wat.split("\n");
  return lines.length <= maxLines ? wat : [...lines.slice(0, maxLines), `... (${lines.length - maxLines} more lines)`].join("\n");
}

const FEATURES = ["SIMD128", "BulkMemory", "BulkMemoryOpt", "SignExt", "NontrappingFPToInt", "MutableGlobals"] as const;

/** The default optimization: local cleanups and peepholes, linear in the module's size (see the header). */
export const OPTIMIZE_PASSES: readonly string[] = [
  "optimize-instructions", "precompute", "simplify-locals", "vacuum", "remove-unused-brs", "merge-blocks",
  "coalesce-locals", "reorder-locals", "vacuum",
];

export class WasmModule {
  readonly #bin: BinaryenApi;
  readonly #mod: BinaryenModule;
  /** Whether relaxed SIMD ops may be used (a module option). */
  readonly relaxedSimd: boolean;
  readonly #functions = new Set<string>();
  #finished = false;

  private constructor(bin: BinaryenApi, options: WasmModuleOptions) {
    this.#bin = bin;
    const mod = new bin.Module();
    let features = 0;
    for (const f of FEATURES) features |= bin.Features[f];
    if (options.shared) features |= bin.Features.Atomics;
    if (options.relaxedSimd) features |= bin.Features.RelaxedSIMD;
    this.relaxedSimd = options.relaxedSimd ?? false;
    mod.setFeatures(features);
    // No maximum unless needed: the importer decides how far the memory may grow.
    const maximum = options.maximumPages ?? (options.shared ? 65536 : -1);
    mod.setMemory(options.initialPages ?? 1, maximum, null, [], options.shared ?? false, false, "memory");
    mod.addMemoryImport("memory", "env", "memory", options.shared ?? false);
    this.#mod = mod;
  }

  static async create(options: WasmModuleOptions = {}): Promise<WasmModule> {
    // Before the import: binaryen's own Wasm is compiled on import (binaryen.ts, the Liftoff window).
    enterBinaryen();
    try {
      return new WasmModule(await loadBinaryen(), options);
    } catch (e) {
      leaveBinaryen();
      throw e;
    }
  }

  hasFunction(name: string): boolean {
    return this.#functions.has(name);
  }

  /**
   * Declares an imported function `module.base` (default `env.<name>`), callable as `name` with
   * `f.call` (no result) or `f.callValue`. The importer supplies it next to the memory.
   */
  addFunctionImport(name: string, module = "env", base = name, params: readonly ValueType[] = [], result: ExprType = "none"): void {
    this.check();
    if (this.#functions.has(name)) throw new Error(`wasm: function '${name}' defined twice`);
    const bin = this.#bin;
    const type = (t: ExprType): number => (t === "i32" ? bin.i32 : t === "f32" ? bin.f32 : t === "v128" ? bin.v128 : bin.none);
    this.#mod.addFunctionImport(name, module, base, bin.createType(params.map(type)), type(result));
    this.#functions.add(name);
  }

  /**
   * Adds a function. `build` receives the builder and the parameters as typed locals, and returns the
   * body: statements, the last of which is the result value when the result type is not "none".
   */
  addFunction<P extends Record<string, ValueType>, R extends ExprType>(
    name: string,
    sig: FunctionSignature<P, R>,
    build: (f: FunctionBuilder, params: Params<P>) => readonly Expr[],
  ): void {
    this.check();
    if (this.#functions.has(name)) throw new Error(`wasm: function '${name}' defined twice`);
    const bin = this.#bin;
    const f = new FunctionBuilder(bin, this.#mod, name);
    const params = {} as Record<string, unknown>;
    for (const [pname, type] of Object.entries(sig.params)) params[pname] = f.param(pname, type);
    const nParams = f.allLocals.length;
    const body = build(f, params as Params<P>);
    const last = body[body.length - 1];
    if (sig.result !== "none" && last?.type !== sig.result)
      throw new Error(`wasm: ${name} must end with a ${sig.result} value, ends with ${last?.type ?? "nothing"}`);
    for (const s of sig.result === "none" ? body : body.slice(0, -1))
      if (s.type !== "none") throw new Error(`wasm: ${name}: a ${s.type} value (${s.what}) used as a statement`);
    const type = (t: ExprType): number => (t === "i32" ? bin.i32 : t === "f32" ? bin.f32 : t === "v128" ? bin.v128 : bin.none);
    const refs = body.map((s) => s.take());
    const orphans = f.orphans();
    if (orphans.length)
      throw new Error(`wasm: ${name}: ${orphans.length} node(s) built but never used: ${orphans.slice(0, 8).join(", ")}`);
    const locals = f.allLocals;
    const ref = this.#mod.addFunction(
      name,
      bin.createType(locals.slice(0, nParams).map((l) => type(l.type))),
      type(sig.result),
      locals.slice(nParams).map((l) => type(l.type)),
      this.#mod.block(null, refs, type(sig.result)),
    );
    // Named locals make the WAT (errors, goldens) readable; binaryen.d.ts does not declare this helper.
    const fn = (bin as unknown as { Function: { setLocalName(f: number, i: number, n: string): void } }).Function;
    for (const l of locals) fn.setLocalName(ref, l.index, l.name);
    if (sig.export) this.#mod.addFunctionExport(name, sig.export === true ? name : sig.export);
    this.#functions.add(name);
  }

  /** Validates, optionally optimizes, emits; the module cannot be used afterwards. */
  finish(options: FinishOptions = {}): FinishedModule {
    this.check();
    this.#finished = true;
    const mod = this.#mod;
    try {
      const { ok, text } = captureStderr(() => mod.validate() !== 0);
      if (!ok) throw new WasmValidationError(text, mod.emitText());
      const optimize = options.optimize ?? true;
      if (optimize !== false) {
        this.#bin.setOptimizeLevel(optimize === "full" ? 3 : 2);
        this.#bin.setShrinkLevel(0);
        if (optimize === "full") mod.optimize();
        else mod.runPasses([...OPTIMIZE_PASSES]);
      }
      const binary = mod.emitBinary();
      return options.wat ? { binary, wat: mod.emitText() } : { binary };
    } finally {
      mod.dispose();
      leaveBinaryen();
    }
  }

  /** Frees the binaryen module without emitting (e.g. after an error while building). */
  dispose(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#mod.dispose();
    leaveBinaryen();
  }

  private check(): void {
    if (this.#finished) throw new Error("wasm: module already finished");
  }
}

// binaryen.js prints validation errors with the `console.error` it found at load time; in plain Node
// that writes to process.stderr, which is collected here for the error message. (Under a test runner
// that replaces the console first, the text goes to the runner's console instead.)
function captureStderr<T>(run: () => T): { ok: T; text: string } {
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { ok: run(), text: chunks.join("") };
  } finally {
    process.stderr.write = write;
  }
}
