// Reference random ops: a counter-based generator, so element i of stream s at step t is a pure function
// of (s, t, i) — reproducible, independent of evaluation order, and different on every step.
//
// bits(s, t, i) = fmix32(fmix32(fmix32(s ^ 0x9e3779b9) ^ t) ^ i)  (MurmurHash3's finaliser, three rounds)
// uniform: u = (bits >>> 8) · 2^−24 + 2^−25, in (0, 1); value = low + (high − low)·u
// normal:  Box–Muller on u1 = uniform(s, t, 2i), u2 = uniform(s, t, 2i+1): mean + std·√(−2 ln u1)·cos(2π u2)
// The runtime's generator need not be bit-identical; tests of it compare statistics, not bits.

import type { RefKernels } from "./tensor.js";
import { sizeOf } from "../shapes.js";

/** MurmurHash3's 32-bit finaliser (unsigned result as a JS number); also the Wasm target's constant folding. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function uniformAt(stream: number, step: number, i: number): number {
  const bits = fmix32(fmix32(fmix32(stream ^ 0x9e3779b9) ^ step) ^ i);
  return (bits >>> 8) / 16777216 + 1 / 33554432;
}

export const randomKernels: RefKernels<"random_uniform" | "random_normal"> = {
  random_uniform: ([step], a) => {
    const t = step!.data[0]!;
    return Float64Array.from({ length: sizeOf(a.shape) }, (_, i) => a.low + (a.high - a.low) * uniformAt(a.stream, t, i));
  },
  random_normal: ([step], a) => {
    const t = step!.data[0]!;
    return Float64Array.from({ length: sizeOf(a.shape) }, (_, i) => {
      const u1 = uniformAt(a.stream, t, 2 * i);
      const u2 = uniformAt(a.stream, t, 2 * i + 1);
      return a.mean + a.std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    });
  },
};
