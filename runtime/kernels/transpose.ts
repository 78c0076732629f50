// transpose: y = x with axes permuted (y's axis k is x's axis perm[k]), rank ≤ 6, no allocation.
// Works on float32 and int32 data alike (x and y of the same kind).
//
// The shape is padded to rank 6 with leading 1s, then six nested loops walk y contiguously and read
// x through its strides. Sizes and strides are read through small helpers into locals, so the caller's
// shape/perm arrays are the only inputs and nothing is allocated.

function outDim(shape: Int32Array, perm: Int32Array, rank: number, k: number): number {
  const j = k - (6 - rank);
  return j < 0 ? 1 : shape[perm[j]!]!;
}

function inStride(shape: Int32Array, perm: Int32Array, rank: number, k: number): number {
  const j = k - (6 - rank);
  if (j < 0) return 0;
  let s = 1;
  for (let a = perm[j]! + 1; a < rank; a++) s *= shape[a]!;
  return s;
}

export function transpose<T extends Float32Array | Int32Array>(x: T, y: T, shape: Int32Array, perm: Int32Array): void {
  const rank = shape.length;
  if (rank > 6 || perm.length !== rank) {
    throw new RangeError(`transpose: rank ${rank} with a perm of length ${perm.length} (rank ≤ 6 and equal lengths required)`);
  }
  const d0 = outDim(shape, perm, rank, 0);
  const d1 = outDim(shape, perm, rank, 1);
  const d2 = outDim(shape, perm, rank, 2);
  const d3 = outDim(shape, perm, rank, 3);
  const d4 = outDim(shape, perm, rank, 4);
  const d5 = outDim(shape, perm, rank, 5);
  const s0 = inStride(shape, perm, rank, 0);
  const s1 = inStride(shape, perm, rank, 1);
  const s2 = inStride(shape, perm, rank, 2);
  const s3 = inStride(shape, perm, rank, 3);
  const s4 = inStride(shape, perm, rank, 4);
  const s5 = inStride(shape, perm, rank, 5);
  let out = 0;
  if (s5 === 1) {
    // innermost axis stays innermost: copy runs of d5
    for (let i0 = 0; i0 < d0; i0++)
      for (let i1 = 0; i1 < d1; i1++)
        for (let i2 = 0; i2 < d2; i2++)
          for (let i3 = 0; i3 < d3; i3++)
            for (let i4 = 0; i4 < d4; i4++) {
              const src = i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4;
              for (let i5 = 0; i5 < d5; i5++) y[out++] = x[src + i5]!;
            }
    return;
  }
  for (let i0 = 0; i0 < d0; i0++)
    for (let i1 = 0; i1 < d1; i1++)
      for (let i2 = 0; i2 < d2; i2++)
        for (let i3 = 0; i3 < d3; i3++)
          for (let i4 = 0; i4 < d4; i4++) {
            const src = i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4;
            for (let i5 = 0; i5 < d5; i5++) y[out++] = x[src + i5 * s5]!;
          }
}
