// Instantiate a dlm Wasm module: its one import is the linear memory "env"."memory", owned by the JS
// side so typed-array views over it can be made and kept (re-made after `memory.grow`).

export interface LoadWasmOptions {
  /** Use this memory (e.g. one shared by several modules); otherwise a new one is made. */
  memory?: WebAssembly.Memory;
  /** Pages (64 KiB) of a new memory: at least what the module declares. Default 1. */
  initialPages?: number;
  /** Upper bound on growth of a new memory. Default 65536 (4 GiB). */
  maximumPages?: number;
}

export interface LoadedWasm<E> {
  instance: WebAssembly.Instance;
  memory: WebAssembly.Memory;
  exports: E;
}

/** Bytes → page count, rounded up. */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 65536));
}

/**
 * `E` is the export signature the caller expects (e.g. `{ matmul: (...args: number[]) => void }`); it is
 * checked only by name: each key of `expect` must be an exported function.
 */
export async function loadWasm<E extends Record<string, (...args: number[]) => unknown>>(
  binary: Uint8Array,
  expect: readonly (keyof E & string)[],
  options: LoadWasmOptions = {},
): Promise<LoadedWasm<E>> {
  const memory =
    options.memory ??
    new WebAssembly.Memory({ initial: options.initialPages ?? 1, maximum: options.maximumPages ?? 65536 });
  const module = await WebAssembly.compile(binary);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  for (const name of expect) {
    if (typeof instance.exports[name] !== "function")
      throw new Error(`wasm: the module has no exported function '${name}'`);
  }
  return { instance, memory, exports: instance.exports as unknown as E };
}
