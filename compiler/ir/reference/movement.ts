// Reference kernels of movement and indexing ops. Indices out of range throw a RangeError here (the
// reference has no undefined behaviour); `ignore` in take_along_axis / scatter_along_axis yields 0 / adds
// nothing, which is how cross-entropy skips padding labels.

import type { RefKernels, RefTensor } from "./tensor.js";
import { sizeOf, stridesOf } from "../shapes.js";
import { aroundAxis, broadcastIndex, checkIndex } from "./tensor.js";

/** Calls f(outFlat, multiIndex) for every element of shape, in row-major order. */
function eachIndex(shape: readonly number[], f: (flat: number, idx: readonly number[]) => void): void {
  const idx = new Array<number>(shape.length).fill(0);
  const n = sizeOf(shape);
  for (let flat = 0; flat < n; flat++) {
    f(flat, idx);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
}

function rowSize(t: RefTensor, lead: number): number {
  return sizeOf(t.shape.slice(lead));
}

export const movementKernels: RefKernels<"reshape" | "transpose" | "broadcast_to" | "slice" | "concat" | "pad" | "gather" | "scatter_add" | "take_along_axis" | "scatter_along_axis"> = {
  reshape: ([x]) => x!.data.slice(),
  transpose: ([x], a, node) => {
    const inStrides = stridesOf(x!.shape);
    const out = new Float64Array(sizeOf(node.shape));
    eachIndex(node.shape, (f, idx) => {
      let src = 0;
      for (let k = 0; k < idx.length; k++) src += idx[k]! * inStrides[a.perm[k]!]!;
      out[f] = x!.data[src]!;
    });
    return out;
  },
  broadcast_to: ([x], _a, node) => {
    const map = broadcastIndex(node.shape, x!.shape);
    return Float64Array.from(map, (i) => x!.data[i]!);
  },
  slice: ([x], a, node) => {
    const [outer, len, inner] = aroundAxis(x!.shape, a.axis);
    const n = a.end - a.start;
    const out = new Float64Array(sizeOf(node.shape));
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < n; c++) {
        for (let i = 0; i < inner; i++) out[(o * n + c) * inner + i] = x!.data[(o * len + a.start + c) * inner + i]!;
      }
    }
    return out;
  },
  concat: (xs, a, node) => {
    const [outer, total, inner] = aroundAxis(node.shape, a.axis);
    const out = new Float64Array(sizeOf(node.shape));
    let at = 0;
    for (const x of xs) {
      const len = x.shape[a.axis]!;
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < len; c++) {
          for (let i = 0; i < inner; i++) out[(o * total + at + c) * inner + i] = x.data[(o * len + c) * inner + i]!;
        }
      }
      at += len;
    }
    return out;
  },
  pad: ([x], a, node) => {
    const inStrides = stridesOf(x!.shape);
    const out = new Float64Array(sizeOf(node.shape));
    eachIndex(node.shape, (f, idx) => {
      let src = 0;
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]! - a.pads[k]![0];
        if (i < 0 || i >= x!.shape[k]!) return;
        src += i * inStrides[k]!;
      }
      out[f] = x!.data[src]!;
    });
    return out;
  },
  gather: ([t, idx], _a, node) => {
    const row = rowSize(t!, 1);
    const out = new Float64Array(sizeOf(node.shape));
    idx!.data.forEach((v, i) => {
      const r = checkIndex(v, t!.shape[0]!, "gather");
      for (let j = 0; j < row; j++) out[i * row + j] = t!.data[r * row + j]!;
    });
    return out;
  },
  scatter_add: ([u, idx], a, node) => {
    const row = rowSize(u!, idx!.shape.length);
    const out = new Float64Array(sizeOf(node.shape));
    idx!.data.forEach((v, i) => {
      const r = checkIndex(v, a.rows, "scatter_add");
      for (let j = 0; j < row; j++) out[r * row + j] = out[r * row + j]! + u!.data[i * row + j]!;
    });
    return out;
  },
  take_along_axis: ([x, idx], a) => {
    const [outer, len, inner] = aroundAxis(x!.shape, a.axis);
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const v = idx!.data[o * inner + i]!;
        if (v === a.ignore) continue;
        out[o * inner + i] = x!.data[(o * len + checkIndex(v, len, "take_along_axis")) * inner + i]!;
      }
    }
    return out;
  },
  scatter_along_axis: ([u, idx], a, node) => {
    const [outer, len, inner] = aroundAxis(node.shape, a.axis);
    const out = new Float64Array(sizeOf(node.shape));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const v = idx!.data[o * inner + i]!;
        if (v === a.ignore) continue;
        const at = (o * len + checkIndex(v, len, "scatter_along_axis")) * inner + i;
        out[at] = out[at]! + u!.data[o * inner + i]!;
      }
    }
    return out;
  },
};
