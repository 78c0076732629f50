// Reference kernels of matmul and the three convolution ops: the textbook loops, no blocking, no im2col.
//
// The three conv ops share one loop nest over (n, o, oh, ow, c, kh, kw) with the input pixel
// ih = oh·s − p + kh·d (skipped when it falls in the zero padding); they differ only in which of x, w, y
// is written. That shared nest is what makes them adjoint to each other exactly.

import type { ConvAttrs } from "../op-attrs.js";
import type { RefKernels, RefTensor } from "./tensor.js";
import { sizeOf } from "../shapes.js";
import { broadcastIndex } from "./tensor.js";

function matmul([a, b]: RefTensor[], at: { transA: boolean; transB: boolean }, outShape: number[]): Float64Array {
  const r = outShape.length;
  const [m, n] = [outShape[r - 2]!, outShape[r - 1]!];
  const [ar, ac] = a!.shape.slice(-2) as [number, number];
  const [br, bc] = b!.shape.slice(-2) as [number, number];
  const k = at.transA ? ar : ac;
  const batch = outShape.slice(0, -2);
  // Broadcast maps over batch dims give the index of each operand's matrix.
  const ia = broadcastIndex(batch, a!.shape.slice(0, -2));
  const ib = broadcastIndex(batch, b!.shape.slice(0, -2));
  const out = new Float64Array(sizeOf(outShape));
  for (let bi = 0; bi < sizeOf(batch); bi++) {
    const ao = ia[bi]! * ar * ac;
    const bo = ib[bi]! * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = a!.data[ao + (at.transA ? p * ac + i : i * ac + p)]!;
          const bv = b!.data[bo + (at.transB ? j * bc + p : p * bc + j)]!;
          s += av * bv;
        }
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

/** Visits every (x index, w index, y index) triple that conv2d multiplies. */
function convNest(xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], a: ConvAttrs,
  f: (xi: number, wi: number, yi: number) => void): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [, , oh, ow] = yShape as [number, number, number, number];
  const og = o / a.groups;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const yi = ((b * o + oc) * oh + y) * ow + x;
          for (let ci = 0; ci < cg; ci++) {
            for (let p = 0; p < kh; p++) {
              const ih = y * a.stride[0] - a.pad[0] + p * a.dilation[0];
              if (ih < 0 || ih >= h) continue;
              for (let q = 0; q < kw; q++) {
                const iw = x * a.stride[1] - a.pad[1] + q * a.dilation[1];
                if (iw < 0 || iw >= w) continue;
                f(((b * c + g * cg + ci) * h + ih) * w + iw, ((oc * cg + ci) * kh + p) * kw + q, yi);
              }
            }
          }
        }
      }
    }
  }
}

export const linalgKernels: RefKernels<"matmul" | "conv2d" | "conv2d_backward_input" | "conv2d_backward_weight"> = {
  matmul: (ins, a, node) => matmul(ins, a, node.shape),
  conv2d: ([x, w], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    convNest(x!.shape, w!.shape, node.shape, a, (xi, wi, yi) => (out[yi] = out[yi]! + x!.data[xi]! * w!.data[wi]!));
    return out;
  },
  conv2d_backward_input: ([dy, w], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    convNest(node.shape, w!.shape, dy!.shape, a, (xi, wi, yi) => (out[xi] = out[xi]! + dy!.data[yi]! * w!.data[wi]!));
    return out;
  },
  conv2d_backward_weight: ([x, dy], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    convNest(x!.shape, node.shape, dy!.shape, a, (xi, wi, yi) => (out[wi] = out[wi]! + x!.data[xi]! * dy!.data[yi]!));
    return out;
  },
};
