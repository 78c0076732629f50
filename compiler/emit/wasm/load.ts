// Instantiate a dlm Wasm module: its one import is the linear memory "env"."memory", owned by the JS
// side so typed-array views over it can be made and kept (re-made after `memory.grow`).
//
// The repo's TypeScript libs (ES2023 + node types) do not declare the `WebAssembly` global, so the
// little of it used here is typed locally.

export interface WasmMemory {
  /** A SharedArrayBuffer for shared memory. */
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmGlobal {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  compile(bytes: Uint8Array): Promise<object>;
  validate(bytes: Uint8Array): boolean;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}

const WA = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

// (module (func (drop (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))))), as binaryen
// 132 emits it: valid only where the engine has relaxed SIMD.
const RELAXED_PROBE =
  "0061736d01000000010401600000030201000a3e013c00fd0c00000000000000000000000000000000fd0c" +
  "00000000000000000000000000000000fd0c00000000000000000000000000000000fd85021a0b";

/**
 * Whether this engine runs relaxed SIMD: by default from Node 22 (V8 11.4+); Node 20 needs
 * --experimental-wasm-relaxed-simd. Asked each time (the flag can be set at run time).
 */
export function relaxedSimdSupported(): boolean {
  const bytes = new Uint8Array(RELAXED_PROBE.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(RELAXED_PROBE.slice(2 * i, 2 * i + 2), 16);
  return WA.validate(bytes);
}

export interface LoadWasmOptions {
  /** Use this memory (e.g. one shared by several modules); otherwise a new one is made. */
  memory?: WasmMemory;
  /** Pages (64 KiB) of a new memory: at least what the module declares. Default 1. */
  initialPages?: number;
  /** Upper bound on growth of a new memory. Default 65536 (4 GiB). */
  maximumPages?: number;
  /** Functions the module imports from "env" (see WasmModule.addFunctionImport). */
  imports?: Record<string, (...args: number[]) => unknown>;
}

export interface LoadedWasm<E> {
  memory: WasmMemory;
  exports: E;
}

/** Bytes → 64 KiB pages, rounded up (at least 1). */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 65536));
}

export function createMemory(initialPages: number, maximumPages = 65536, shared = false): WasmMemory {
  return new WA.Memory({ initial: initialPages, maximum: maximumPages, shared });
}

/**
 * `E` is the export signature the caller expects (e.g. `{ matmul(...args: number[]): void }`); it is
 * checked by name only: each of `expect` must be an exported function.
 */
export async function loadWasm<E>(
  binary: Uint8Array,
  expect: readonly (keyof E & string)[],
  options: LoadWasmOptions = {},
): Promise<LoadedWasm<E>> {
  const memory = options.memory ?? createMemory(options.initialPages ?? 1, options.maximumPages);
  const instance = await WA.instantiate(await WA.compile(binary), { env: { ...options.imports, memory } });
  return { memory, exports: checked<E>(instance, expect) };
}

/** The same, compiling on this thread (fine in Node for modules of any size; not on a browser's main thread). */
export function loadWasmSync<E>(binary: Uint8Array, expect: readonly (keyof E & string)[], options: LoadWasmOptions = {}): LoadedWasm<E> {
  const memory = options.memory ?? createMemory(options.initialPages ?? 1, options.maximumPages);
  const instance = new WA.Instance(new WA.Module(binary), { env: { ...options.imports, memory } });
  return { memory, exports: checked<E>(instance, expect) };
}

function checked<E>(instance: WasmInstance, expect: readonly string[]): E {
  for (const name of expect) {
    if (typeof instance.exports[name] !== "function")
      throw new Error(`wasm: the module has no exported function '${name}'`);
  }
  return instance.exports as E;
}
