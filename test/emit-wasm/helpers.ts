// Test helpers for the Wasm kernels: a seeded generator (mulberry32, independent of runtime/rng), and
// a bump allocator over one Wasm memory so each test lays out its operands at chosen byte offsets.

import type { WasmMemory } from "../../compiler/emit/wasm/load.js";

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/** Hands out byte offsets in `memory`, growing it as needed; `skew` misaligns a region on purpose. */
export class Heap {
  readonly memory: WasmMemory;
  #top: number;
  constructor(memory: WasmMemory, start = 1024) {
    this.memory = memory;
    this.#top = start;
  }
  alloc(bytes: number, skew = 0): number {
    const at = Math.ceil(this.#top / 16) * 16 + skew;
    this.#top = at + bytes;
    const need = Math.ceil(this.#top / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    return at;
  }
  /** Frees everything above `to` (default: everything; pass `alloc(0)` taken earlier to keep what lies below). */
  reset(to = 1024): void {
    this.#top = to;
  }
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }
  put(data: Float32Array, skew = 0): number {
    const at = this.alloc(data.length * 4, skew);
    this.f32(at, data.length).set(data);
    return at;
  }
}
