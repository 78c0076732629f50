// fill / copy / axpy over whole views or [start, end) ranges: thin, allocation-free helpers the emitter
// can call instead of writing the loop (TypedArray.fill and .set are native and fast).

export function fill(x: Float32Array | Int32Array, value: number, start = 0, end = x.length): void {
  x.fill(value, start, end);
}

/** dst[dstOffset + j] = src[srcOffset + j] for j < count (defaults: the whole of src at 0). */
export function copy<T extends Float32Array | Int32Array>(
  src: T,
  dst: T,
  count = src.length,
  srcOffset = 0,
  dstOffset = 0,
): void {
  for (let j = 0; j < count; j++) dst[dstOffset + j] = src[srcOffset + j]!;
}

/** y += alpha · x over the first n elements. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array, n = x.length): void {
  for (let j = 0; j < n; j++) y[j] = y[j]! + alpha * x[j]!;
}
