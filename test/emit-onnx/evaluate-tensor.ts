// Tensors of the test ONNX evaluator (evaluate.ts): float64 data with ONNX dims and a TensorProto data type,
// numpy broadcasting, row-major iteration, and node attributes with the spec's defaults.

import type { DecodedAttr } from "./decode.js";

export interface T {
  dims: number[];
  data: Float64Array;
  /** TensorProto.DataType: 1 float, 6 int32, 7 int64, 9 bool. */
  type: number;
}

export const size = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);
export const strides = (d: readonly number[]) => {
  const s = new Array<number>(d.length).fill(1);
  for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1]! * d[i + 1]!;
  return s;
};
export const t = (dims: number[], data: Float64Array | number[], type = 1): T => ({ dims, data: Float64Array.from(data), type });

/** Multidirectional (numpy) broadcast of shapes. */
export function broadcastDims(shapes: number[][]): number[] {
  const r = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: r }, (_, i) => {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - r + i] ?? 1;
      if (x !== 1) {
        if (d !== 1 && d !== x) throw new Error(`cannot broadcast ${JSON.stringify(shapes)}`);
        d = x;
      }
    }
    return d;
  });
}

/** For each flat index of `out`, the flat index into a tensor of shape `dims` broadcast to it. */
export function bIndex(out: number[], dims: number[]): Int32Array {
  const st = strides(dims);
  const off = out.length - dims.length;
  const res = new Int32Array(size(out));
  const idx = new Array<number>(out.length).fill(0);
  for (let f = 0; f < res.length; f++) {
    let s = 0;
    for (let k = 0; k < dims.length; k++) if (dims[k] !== 1) s += idx[k + off]! * st[k]!;
    res[f] = s;
    for (let k = out.length - 1; k >= 0; k--) {
      if (++idx[k]! < out[k]!) break;
      idx[k] = 0;
    }
  }
  return res;
}

/** Calls f(outFlat, multiIndex) over a shape, row-major. */
export function each(dims: readonly number[], f: (flat: number, idx: number[]) => void): void {
  const idx = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < size(dims); flat++) {
    f(flat, idx);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
}

export const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

export class Attrs {
  constructor(private readonly a: Record<string, DecodedAttr>) {}
  int(name: string, dflt: number): number {
    return this.a[name]?.i ?? dflt;
  }
  ints(name: string, dflt: number[]): number[] {
    const v = this.a[name];
    return v ? v.ints : dflt;
  }
  float(name: string, dflt: number): number {
    return this.a[name]?.f ?? dflt;
  }
  string(name: string, dflt: string): string {
    return this.a[name]?.s ?? dflt;
  }
}

