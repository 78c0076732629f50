// copyStrided: the block copy behind concat, split, slice and their gradients.
//
// For each of `outer` rows: dst[o·dstInner + dstOffset + j] (+)= src[o·srcInner + srcOffset + j], j < count.
// Concat of part p along an axis: srcInner = count = part's inner size, dstInner = the result's,
// dstOffset = where the part starts. Slice: srcOffset = start, count = length. Their gradients swap
// src and dst (with accumulate when a gradient is a sum of several contributions). src and dst are
// both float32 or both int32 (token ids can be sliced and concatenated too).

export function copyStrided<T extends Float32Array | Int32Array>(
  src: T,
  dst: T,
  outer: number,
  srcInner: number,
  dstInner: number,
  dstOffset: number,
  count: number,
  srcOffset = 0,
  accumulate = false,
): void {
  for (let o = 0; o < outer; o++) {
    const s = o * srcInner + srcOffset;
    const d = o * dstInner + dstOffset;
    if (accumulate) {
      for (let j = 0; j < count; j++) dst[d + j] = dst[d + j]! + src[s + j]!;
    } else {
      for (let j = 0; j < count; j++) dst[d + j] = src[s + j]!;
    }
  }
}
