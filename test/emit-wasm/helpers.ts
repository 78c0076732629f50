// Test helpers for the Wasm kernels: a seeded generator (mulberry32, independent of runtime/rng), and
// a bump allocator over one Wasm memory so each test lays out its operands at chosen byte offsets.

import type { WasmMemory } from "../../compiler/emit/wasm/load.js";

export { mulberry32 as rng, randArray } from "../support/random.js";

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
