// Values of the float64 reference evaluator, and the index helpers its kernels share.
//
// Every dtype is held in a Float64Array (i32 values are whole numbers), so the reference computes f32 ops
// in double precision: it is the yardstick the f32 kernels and the gradient checks are measured against.

import type { NodeOf } from "../graph.js";
import type { OpAttrs, OpName } from "../op-attrs.js";
import type { DType } from "../shapes.js";
import { sizeOf, stridesOf } from "../shapes.js";

export interface RefTensor {
  shape: number[];
  dtype: DType;
  data: Float64Array;
}

/** A reference kernel: input values and the node (its attrs and output shape) → output data. */
export type RefKernel<K extends OpName> = (inputs: RefTensor[], attrs: OpAttrs[K], node: NodeOf<K>) => Float64Array;

export type RefKernels<K extends OpName> = { [P in K]: RefKernel<P> };

export function tensor(shape: number[], data: ArrayLike<number>, dtype: DType = "f32"): RefTensor {
  if (data.length !== sizeOf(shape)) throw new RangeError(`tensor: ${data.length} values for shape [${shape.join(", ")}]`);
  return { shape: [...shape], dtype, data: Float64Array.from(data) };
}

/**
 * For each element of `outShape` (row-major), the flat index of the element of `inShape` it reads under
 * NumPy broadcasting (trailing alignment, size-1 dims repeat).
 */
export function broadcastIndex(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const r = outShape.length;
  const off = r - inShape.length;
  const inStrides = stridesOf(inShape);
  const idx = new Array<number>(r).fill(0);
  for (let f = 0; f < n; f++) {
    let src = 0;
    for (let k = off; k < r; k++) if (inShape[k - off] !== 1) src += idx[k]! * inStrides[k - off]!;
    map[f] = src;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return map;
}

/** Sizes before, at, and after an axis: the (outer, len, inner) view most axis ops loop over. */
export function aroundAxis(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

export function checkIndex(i: number, size: number, op: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`${op}: index ${i} out of range [0, ${size})`);
  return i;
}
