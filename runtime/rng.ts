// Seeded, bit-reproducible random numbers for initialisation, dropout and shuffling.
//
// Generator: pure-rand's xoroshiro128+ (mutable API: `next()` advances in place, nothing allocated per
// draw). Its 128-bit state is filled from the user's seed through SplitMix64, because xoroshiro seeded
// with a raw small integer (pure-rand's own `xoroshiro128plus(seed)`) starts from a nearly-zero state and
// its first outputs are poor. SplitMix64 runs in BigInt, only when a generator is created or forked.
//
// Streams: `fork(id)` derives a child from this generator's *key* (fixed at creation) and the id, never
// from its current position, so drawing more from one stream (say, dropout) cannot change another
// (say, shuffling), and `fork("init")` always gives the same stream for the same seed.
//
// xoroshiro128+'s lowest output bits are weak (linear), so floats are built from the high bits of each
// 32-bit draw: 24 bits for float32 fills, 2×(26|27) bits for 53-bit doubles (pure-rand's scheme).

import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/** SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function hashStreamId(id: number | string): bigint {
  if (typeof id === "number") {
    if (!Number.isSafeInteger(id)) throw new RangeError(`rng.fork: stream id must be a safe integer or a string, got ${id}`);
    return BigInt.asUintN(64, BigInt(id));
  }
  // FNV-1a over UTF-16 code units, 64-bit, then offset so strings and numbers rarely collide
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < id.length; i++) h = ((h ^ BigInt(id.charCodeAt(i))) * 0x100000001b3n) & MASK64;
  return h ^ 0x5f3759df5f3759dfn;
}

const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M26 = 1 / 67108864;
const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

export class Rng {
  private readonly gen: RandomGenerator;
  /** The 64-bit key this generator (and its forks) derive from. */
  readonly key: bigint;

  /** `state` (from getState) resumes a saved position; without it the generator starts fresh. */
  constructor(key: bigint, state?: ArrayLike<number>) {
    this.key = key & MASK64;
    if (state !== undefined) {
      if (state.length !== 4) throw new RangeError(`Rng: expected 4 state words, got ${state.length}`);
      this.gen = xoroshiro128plusFromState(Array.from(state));
      return;
    }
    // Two SplitMix64 steps from the key give the 128-bit state (never all zero: mix64 is a bijection
    // and the two inputs differ, so at most one output can be 0).
    const s0 = mix64((this.key + GOLDEN) & MASK64);
    const s1 = mix64((this.key + 2n * GOLDEN) & MASK64);
    // pure-rand's state order is [s0 high, s0 low, s1 high, s1 low] as signed 32-bit words
    this.gen = xoroshiro128plusFromState([
      Number(BigInt.asIntN(32, s0 >> 32n)),
      Number(BigInt.asIntN(32, s0)),
      Number(BigInt.asIntN(32, s1 >> 32n)),
      Number(BigInt.asIntN(32, s1)),
    ]);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.gen.next() >>> 6; // 26 bits
    const lo = this.gen.next() >>> 5; // 27 bits
    return hi * TWO_POW_M26 + lo * TWO_POW_M53;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling), for 1 ≤ n ≤ 2³². */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`rng.nextInt: n must be an integer in 1..2^32, got ${n}`);
    return uniformInt(this.gen, 0, n - 1);
  }

  /** One standard normal draw (Box–Muller, the second value of the pair is discarded). */
  nextNormal(): number {
    const u1 = 1 - this.nextFloat(); // (0, 1]: log is finite
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
  }

  /** out[i] = low + (high − low)·u, u uniform in [0,1) from 24 bits (float32 precision, one draw each). */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number): void {
    const span = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + span * ((this.gen.next() >>> 8) * TWO_POW_M24);
  }

  /** Normal(mean, std²) samples, both values of each Box–Muller pair used, from 53-bit uniforms. */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number): void {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.nextFloat()));
      const t = TWO_PI * this.nextFloat();
      out[i] = mean + std * r * Math.cos(t);
      out[i + 1] = mean + std * r * Math.sin(t);
    }
    if (i < n) out[i] = mean + std * this.nextNormal();
  }

  /** Fisher–Yates shuffle of the first `count` elements (default: all), in place. */
  shuffle(a: Int32Array, count = a.length): void {
    for (let i = count - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }

  /** An independent generator for a named purpose; depends only on this key and `streamId`. */
  fork(streamId: number | string): Rng {
    return new Rng(mix64(this.key ^ mix64((hashStreamId(streamId) + GOLDEN) & MASK64)));
  }

  /** The generator's position, as 4 signed 32-bit words (to store in a checkpoint). */
  getState(): Int32Array {
    return Int32Array.from(this.gen.getState());
  }

  /** Key and position as 6 int32 words (an I32 checkpoint tensor); `Rng.deserialize` restores it. */
  serialize(): Int32Array {
    const out = new Int32Array(6);
    out[0] = Number(BigInt.asIntN(32, this.key >> 32n));
    out[1] = Number(BigInt.asIntN(32, this.key));
    out.set(this.gen.getState(), 2);
    return out;
  }

  static deserialize(words: ArrayLike<number>): Rng {
    if (words.length !== 6) throw new RangeError(`Rng.deserialize: expected 6 words, got ${words.length}`);
    const key = (BigInt.asUintN(32, BigInt(words[0]!)) << 32n) | BigInt.asUintN(32, BigInt(words[1]!));
    return new Rng(key, [words[2]!, words[3]!, words[4]!, words[5]!]);
  }
}

/** A generator for a user seed (any safe integer, negative allowed). */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`createRng: seed must be a safe integer, got ${seed}`);
  return new Rng(mix64(BigInt.asUintN(64, BigInt(seed))));
}
