// Carving typed-array views out of one ArrayBuffer (the memory plan's arena), at module creation.
//
// The compiler's memory plan assigns each buffer a byte offset in one arena; generated code creates the
// views once with these helpers (never per step). Every view is checked: offsets aligned to the element
// size, lengths whole, and the view inside the buffer, so a bad plan fails loudly at creation instead of
// aliasing silently. Works on a Wasm memory's buffer too (views must be re-made if that memory grows).

export type ArenaDtype = "f32" | "i32" | "f64" | "u8";

export const ARENA_ALIGN = 64;

const BYTES: Readonly<Record<ArenaDtype, number>> = { f32: 4, i32: 4, f64: 8, u8: 1 };

export function dtypeBytes(dtype: ArenaDtype): number {
  return BYTES[dtype];
}

/** Rounds n up to a multiple of align (a power of two or any positive integer). */
export function alignUp(n: number, align: number = ARENA_ALIGN): number {
  return Math.ceil(n / align) * align;
}

export function createArena(bytes: number): ArrayBuffer {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`arena: size must be a non-negative integer, got ${bytes}`);
  return new ArrayBuffer(bytes);
}

function check(buffer: ArrayBufferLike, dtype: ArenaDtype, byteOffset: number, length: number, name: string): void {
  const size = BYTES[dtype];
  const what = `arena view ${JSON.stringify(name)} (${dtype}[${length}] at byte ${byteOffset})`;
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) throw new RangeError(`${what}: offset must be a non-negative integer`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`${what}: length must be a non-negative integer`);
  if (byteOffset % size !== 0) throw new RangeError(`${what}: offset is not aligned to ${size} bytes`);
  if (byteOffset + length * size > buffer.byteLength) {
    throw new RangeError(`${what}: ends at byte ${byteOffset + length * size}, past the arena's ${buffer.byteLength} bytes`);
  }
}

export function viewF32(buffer: ArrayBufferLike, byteOffset: number, length: number, name = "?"): Float32Array {
  check(buffer, "f32", byteOffset, length, name);
  return new Float32Array(buffer, byteOffset, length);
}

export function viewI32(buffer: ArrayBufferLike, byteOffset: number, length: number, name = "?"): Int32Array {
  check(buffer, "i32", byteOffset, length, name);
  return new Int32Array(buffer, byteOffset, length);
}

export function viewF64(buffer: ArrayBufferLike, byteOffset: number, length: number, name = "?"): Float64Array {
  check(buffer, "f64", byteOffset, length, name);
  return new Float64Array(buffer, byteOffset, length);
}

export function viewU8(buffer: ArrayBufferLike, byteOffset: number, length: number, name = "?"): Uint8Array {
  check(buffer, "u8", byteOffset, length, name);
  return new Uint8Array(buffer, byteOffset, length);
}

export interface ArenaSlot {
  readonly dtype: ArenaDtype;
  readonly byteOffset: number;
  readonly length: number;
}

export type ArenaView<D extends ArenaDtype> = D extends "f32" ? Float32Array : D extends "i32" ? Int32Array : D extends "f64" ? Float64Array : Uint8Array;

/** Views for a whole plan at once: { name: view }, each checked as above. */
export function carve<S extends Record<string, ArenaSlot>>(buffer: ArrayBufferLike, slots: S): { [K in keyof S]: ArenaView<S[K]["dtype"]> } {
  const out: Record<string, Float32Array | Int32Array | Float64Array | Uint8Array> = {};
  for (const [name, s] of Object.entries(slots)) {
    const make = s.dtype === "f32" ? viewF32 : s.dtype === "i32" ? viewI32 : s.dtype === "f64" ? viewF64 : s.dtype === "u8" ? viewU8 : undefined;
    if (make === undefined) throw new RangeError(`arena view ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(s.dtype)}`);
    out[name] = make(buffer, s.byteOffset, s.length, name);
  }
  return out as { [K in keyof S]: ArenaView<S[K]["dtype"]> };
}
