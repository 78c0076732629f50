// Lazy access to binaryen.js: importing it costs ~0.3 s of CPU and ~80 MB, so nothing loads it until a
// Wasm module is actually built. Only module.ts and ops.ts touch the binaryen API; generated code never does.
//
// Design note (compile time): binaryen is a 10 MB Wasm module. V8 first compiles it with its baseline
// compiler (Liftoff) and then recompiles the hot functions with TurboFan in the background; for the one
// optimize() a `dlm compile` runs, that recompilation costs more CPU than it saves (measured on seq2seq:
// read + optimize + emit 1.8 s of CPU with tier-up, 0.5 s on Liftoff alone, and even the 4th module of a
// process is no faster with TurboFan: 0.37 s vs 0.38 s). So while a binaryen module is open, V8 runs Wasm
// on Liftoff only (`--liftoff-only`), and the default tiering is restored when the last one is finished.
// Wasm compiled after that (the model's own module) tiers up as usual; code compiled while the window is
// open starts on Liftoff and still tiers up once it is closed. Nothing changes when the process was
// started with its own Wasm tiering flags, or with DLM_BINARYEN_TIERUP=1.

import { setFlagsFromString } from "node:v8";

export type BinaryenApi = typeof import("binaryen").default;
export type BinaryenModule = InstanceType<BinaryenApi["Module"]>;

let loading: Promise<BinaryenApi> | undefined;

export function loadBinaryen(): Promise<BinaryenApi> {
  // binaryen 132 is ESM with top-level await: the default export is ready once the import resolves.
  loading ??= import("binaryen").then((m) => m.default);
  return loading;
}

/**
 * Starts importing binaryen now (inside the Liftoff window), so that its load overlaps work done before
 * the first module is built (`dlm compile` calls this before its front end). Errors surface at create().
 */
export function prefetchBinaryen(): void {
  if (loading !== undefined) return;
  enterBinaryen();
  loadBinaryen().then(leaveBinaryen, leaveBinaryen);
}

let open = 0;

/** Whether the Liftoff window is used: not when the user chose Wasm tiering flags themselves. */
function windowEnabled(): boolean {
  const flags = [...process.execArgv, process.env["NODE_OPTIONS"] ?? ""].join(" ");
  return process.env["DLM_BINARYEN_TIERUP"] !== "1" && !/liftoff|tier-?up|wasm-dynamic-tiering/.test(flags);
}

const enabled = windowEnabled();

/** A binaryen module is being built: Wasm runs on Liftoff only until every open one is closed. */
export function enterBinaryen(): void {
  if (open++ === 0 && enabled) setFlagsFromString("--liftoff-only");
}

/** The module is finished or disposed; the last one restores V8's default tiering. */
export function leaveBinaryen(): void {
  if (open === 0) return;
  if (--open === 0 && enabled) setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
}

/** Binaryen modules currently open (for tests). */
export function openBinaryenModules(): number {
  return open;
}
