// Reference kernels of reductions and the softmax family. Softmax subtracts the max first, as every real
// kernel must; in float64 it changes nothing at the sizes tests use, but keeps the reference honest.

import type { ReduceAttrs } from "../op-attrs.js";
import type { RefKernel, RefKernels, RefTensor } from "./tensor.js";
import { sizeOf, stridesOf } from "../shapes.js";
import { aroundAxis } from "./tensor.js";

/** Calls f(outIndex, inIndex) for every input element; outIndex is its place in the reduced tensor. */
function forReduced(x: RefTensor, axes: readonly number[], f: (o: number, i: number) => void): number {
  const keptShape = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const kept = stridesOf(keptShape);
  const idx = new Array<number>(x.shape.length).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let k = 0; k < idx.length; k++) if (!axes.includes(k)) o += idx[k]! * kept[k]!;
    f(o, i);
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < x.shape[k]!) break;
      idx[k] = 0;
    }
  }
  return sizeOf(keptShape);
}

const sum: RefKernel<"sum"> = ([x], a: ReduceAttrs, node) => {
  const out = new Float64Array(sizeOf(node.shape));
  forReduced(x!, a.axes, (o, i) => (out[o] = out[o]! + x!.data[i]!));
  return out;
};

function softmaxRows(x: RefTensor, axis: number, log: boolean): Float64Array {
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (c: number) => (o * len + c) * inner + i;
      let m = -Infinity;
      for (let c = 0; c < len; c++) m = Math.max(m, x.data[at(c)]!);
      let z = 0;
      for (let c = 0; c < len; c++) z += Math.exp(x.data[at(c)]! - m);
      for (let c = 0; c < len; c++) out[at(c)] = log ? x.data[at(c)]! - m - Math.log(z) : Math.exp(x.data[at(c)]! - m) / z;
    }
  }
  return out;
}

/** dx from y and dy along an axis: softmax: y(dy − Σ y·dy); log_softmax: dy − exp(y) Σ dy. */
function softmaxBackwardRows(y: RefTensor, dy: RefTensor, axis: number, log: boolean): Float64Array {
  const [outer, len, inner] = aroundAxis(y.shape, axis);
  const out = new Float64Array(y.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (c: number) => (o * len + c) * inner + i;
      let s = 0;
      for (let c = 0; c < len; c++) s += log ? dy.data[at(c)]! : y.data[at(c)]! * dy.data[at(c)]!;
      for (let c = 0; c < len; c++) {
        const yc = y.data[at(c)]!;
        out[at(c)] = log ? dy.data[at(c)]! - Math.exp(yc) * s : yc * (dy.data[at(c)]! - s);
      }
    }
  }
  return out;
}

export const reduceKernels: RefKernels<"sum" | "mean" | "max" | "argmax" | "softmax" | "log_softmax" | "softmax_backward" | "log_softmax_backward"> = {
  sum,
  mean: (ins, a, node) => {
    const s = sum(ins, a, node as never);
    const count = a.axes.reduce((n, k) => n * ins[0]!.shape[k]!, 1);
    return s.map((v) => v / count);
  },
  max: ([x], a, node) => {
    const out = new Float64Array(sizeOf(node.shape)).fill(-Infinity);
    forReduced(x!, a.axes, (o, i) => (out[o] = Math.max(out[o]!, x!.data[i]!)));
    return out;
  },
  // First maximum wins, like numpy and PyTorch on CPU.
  argmax: ([x], a) => {
    const [outer, len, inner] = aroundAxis(x!.shape, a.axis);
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        for (let c = 1; c < len; c++) if (x!.data[(o * len + c) * inner + i]! > x!.data[(o * len + best) * inner + i]!) best = c;
        out[o * inner + i] = best;
      }
    }
    return out;
  },
  softmax: ([x], a) => softmaxRows(x!, a.axis, false),
  log_softmax: ([x], a) => softmaxRows(x!, a.axis, true),
  softmax_backward: ([y, dy], a) => softmaxBackwardRows(y!, dy!, a.axis, false),
  log_softmax_backward: ([y, dy], a) => softmaxBackwardRows(y!, dy!, a.axis, true),
};
