// Counts allocations of typed arrays and buffers while a test runs: the global constructors are swapped for
// counting subclasses and the typed-array methods that make new arrays are wrapped. Call
// `restoreAllocations()` in afterEach. Used by the zero-allocation tests of both targets.

export const ALLOCATING_CTORS = ["ArrayBuffer", "Float32Array", "Int32Array", "Float64Array", "Uint8Array"] as const;
export const ALLOCATING_METHODS = ["subarray", "slice", "map", "filter"] as const;

const restores: Array<() => void> = [];

export function restoreAllocations(): void {
  while (restores.length > 0) restores.pop()!();
}

/** Starts counting; returns the live counter (every key starts at 0). */
export function countAllocations(): Record<string, number> {
  const counts: Record<string, number> = {};
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of ALLOCATING_CTORS) {
    const Original = g[name] as new (...args: unknown[]) => object;
    counts[name] = 0;
    g[name] = class extends Original {
      constructor(...args: unknown[]) {
        super(...args);
        counts[name]!++;
      }
    };
    restores.push(() => (g[name] = Original));
  }
  const proto = Object.getPrototypeOf(Float32Array.prototype) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ALLOCATING_METHODS) {
    const original = proto[m]!;
    counts[m] = 0;
    proto[m] = function (this: unknown, ...args: unknown[]) {
      counts[m]!++;
      return original.apply(this, args);
    };
    restores.push(() => (proto[m] = original));
  }
  return counts;
}

/** The counter's expected value when nothing was allocated. */
export function noAllocations(): Record<string, number> {
  return Object.fromEntries([...ALLOCATING_CTORS, ...ALLOCATING_METHODS].map((k) => [k, 0]));
}
