// A small float64 ONNX evaluator for tests: runs a decoded graph (decode.ts) op by op, with the ONNX
// operator spec's meaning of each op the exporter emits, one plain loop each. Independent of the IR
// reference evaluator on purpose: the test compares the two. Integer tensors are held as float64 too;
// casts to int truncate toward zero, bool is 0/1.

import { erf } from "../../runtime/math.js";
import type { DecodedGraph, DecodedNode } from "./decode.js";
import type { T } from "./evaluate-tensor.js";
import { Attrs, bIndex, broadcastDims, each, norm, size, strides, t } from "./evaluate-tensor.js";
import { conv, convTranspose, matmul, pool, softmax, transpose } from "./evaluate-nn.js";

export type { T } from "./evaluate-tensor.js";

function nary(xs: T[], f: (...v: number[]) => number, type = xs[0]!.type): T {
  const out = broadcastDims(xs.map((x) => x.dims));
  const maps = xs.map((x) => bIndex(out, x.dims));
  const data = new Float64Array(size(out));
  for (let i = 0; i < data.length; i++) data[i] = f(...xs.map((x, k) => x.data[maps[k]![i]!]!));
  if (type === 6) for (let i = 0; i < data.length; i++) data[i] = Math.trunc(data[i]!) | 0;
  return { dims: out, data, type };
}

const unary = (f: (v: number) => number) => (x: T): T => ({ ...x, data: x.data.map(f) });

function reduce(x: T, axes: number[], keep: boolean, init: number, f: (acc: number, v: number) => number, fin: (acc: number, n: number) => number = (a) => a): T {
  const ax = new Set(axes.map((a) => norm(a, x.dims.length)));
  const outKeep = x.dims.map((d, i) => (ax.has(i) ? 1 : d));
  const acc = new Float64Array(size(outKeep)).fill(init);
  const st = strides(outKeep);
  each(x.dims, (flat, idx) => {
    let o = 0;
    idx.forEach((v, k) => (o += (ax.has(k) ? 0 : v) * st[k]!));
    acc[o] = f(acc[o]!, x.data[flat]!);
  });
  const n = [...ax].reduce((a, k) => a * x.dims[k]!, 1);
  return t(keep ? outKeep : x.dims.filter((_, i) => !ax.has(i)), acc.map((a) => fin(a, n)), x.type);
}

const ints = (x: T) => Array.from(x.data);

function castTo(x: T, to: number): T {
  const data = to === 1 ? x.data.slice() : to === 9 ? x.data.map((v) => (v !== 0 ? 1 : 0)) : x.data.map((v) => Math.trunc(v));
  return { dims: [...x.dims], data, type: to };
}

function run(n: DecodedNode, ins: Array<T | undefined>): T {
  const a = new Attrs(n.attrs);
  const [x, y, z] = ins as [T, T, T];
  switch (n.opType) {
    case "Identity": return { ...x };
    case "Neg": return unary((v) => -v)(x);
    case "Exp": return unary(Math.exp)(x);
    case "Log": return unary(Math.log)(x);
    case "Sqrt": return unary(Math.sqrt)(x);
    case "Reciprocal": return unary((v) => 1 / v)(x);
    case "Abs": return unary(Math.abs)(x);
    case "Tanh": return unary(Math.tanh)(x);
    case "Sigmoid": return unary((v) => 1 / (1 + Math.exp(-v)))(x);
    case "Relu": return unary((v) => Math.max(v, 0))(x);
    case "LeakyRelu": { const al = a.float("alpha", 0.01); return unary((v) => (v >= 0 ? v : al * v))(x); }
    case "Erf": return unary(erf)(x);
    case "Sign": return unary(Math.sign)(x);
    case "Pow": return nary([x, y], Math.pow, x.type);
    case "Add": return nary([x, y], (p, q) => p + q);
    case "Sub": return nary([x, y], (p, q) => p - q);
    case "Mul": return nary([x, y], (p, q) => p * q);
    case "Div": return nary([x, y], (p, q) => (x.type === 1 ? p / q : Math.trunc(p / q)));
    case "Max": return nary([x, y], Math.max);
    case "Min": return nary([x, y], Math.min);
    case "Greater": return nary([x, y], (p, q) => (p > q ? 1 : 0), 9);
    case "Equal": return nary([x, y], (p, q) => (p === q ? 1 : 0), 9);
    case "Where": return nary([x, y, z], (c, p, q) => (c ? p : q), y.type);
    case "Cast": return castTo(x, a.int("to", 1));
    case "ReduceSum": return reduce(x, y ? ints(y) : [], a.int("keepdims", 1) === 1, 0, (s, v) => s + v);
    case "ReduceMean": return reduce(x, a.ints("axes", []), a.int("keepdims", 1) === 1, 0, (s, v) => s + v, (s, k) => s / k);
    case "ReduceMax": return reduce(x, a.ints("axes", []), a.int("keepdims", 1) === 1, -Infinity, Math.max);
    case "ArgMax": {
      const ax = norm(a.int("axis", 0), x.dims.length);
      const len = x.dims[ax]!;
      const inner = size(x.dims.slice(ax + 1));
      const outer = size(x.dims.slice(0, ax));
      const out = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        let best = 0;
        for (let k = 1; k < len; k++) if (x.data[(o * len + k) * inner + i]! > x.data[(o * len + best) * inner + i]!) best = k;
        out[o * inner + i] = best;
      }
      const dims = a.int("keepdims", 1) ? x.dims.map((d, i) => (i === ax ? 1 : d)) : x.dims.filter((_, i) => i !== ax);
      return t(dims, out, 7);
    }
    case "Gemm": {
      const A = a.int("transA", 0) ? transpose(x, [1, 0]) : x;
      const B = a.int("transB", 0) ? transpose(y, [1, 0]) : y;
      const p = matmul(A, B);
      return z ? nary([p, z], (u, v) => u + v) : p;
    }
    case "MatMul": return matmul(x, y);
    case "Transpose": return transpose(x, a.ints("perm", [...x.dims.keys()].reverse()));
    case "Conv": return conv(x, y, z, a);
    case "ConvTranspose": return convTranspose(x, y, a);
    case "MaxPool": return pool(x, a, true);
    case "AveragePool": return pool(x, a, false);
    case "Resize": {
      // mode nearest with asymmetric coordinates: out[i] = in[nearest(i / scale)].
      if (a.string("mode", "") !== "nearest" || a.string("coordinate_transformation_mode", "") !== "asymmetric") throw new Error("Resize: unsupported mode");
      const rounding: Record<string, (v: number) => number> = {
        floor: Math.floor,
        ceil: Math.ceil,
        round_prefer_floor: (v) => (v % 1 === 0.5 ? Math.floor(v) : Math.round(v)),
        round_prefer_ceil: (v) => (v % 1 === 0.5 ? Math.ceil(v) : Math.round(v)),
      };
      const nearest = rounding[a.string("nearest_mode", "round_prefer_floor")]!;
      const scales = ints(z);
      const dims = x.dims.map((d, i) => Math.floor(d * scales[i]!));
      const st = strides(x.dims);
      const out = new Float64Array(size(dims));
      each(dims, (f, idx) => {
        let s = 0;
        idx.forEach((v, k) => (s += Math.min(nearest(v / scales[k]!), x.dims[k]! - 1) * st[k]!));
        out[f] = x.data[s]!;
      });
      return t(dims, out);
    }
    case "Softmax": return softmax(x, a.int("axis", -1), false);
    case "LogSoftmax": return softmax(x, a.int("axis", -1), true);
    case "Gather": {
      if (a.int("axis", 0) !== 0) throw new Error("Gather: only axis 0");
      const row = size(x.dims.slice(1));
      const out = new Float64Array(y.data.length * row);
      y.data.forEach((r, i) => {
        if (r < 0 || r >= x.dims[0]!) throw new Error(`Gather: index ${r} out of range`);
        for (let j = 0; j < row; j++) out[i * row + j] = x.data[r * row + j]!;
      });
      return t([...y.dims, ...x.dims.slice(1)], out, x.type);
    }
    case "GatherElements": {
      const ax = norm(a.int("axis", 0), x.dims.length);
      const st = strides(x.dims);
      const out = new Float64Array(y.data.length);
      each(y.dims, (f, idx) => {
        let s = 0;
        idx.forEach((v, k) => (s += (k === ax ? y.data[f]! : v) * st[k]!));
        out[f] = x.data[s]!;
      });
      return t([...y.dims], out, x.type);
    }
    case "Unsqueeze": {
      const dims = [...x.dims];
      for (const ax of ints(y).map((v) => norm(v, x.dims.length + y.data.length)).sort((p, q) => p - q)) dims.splice(ax, 0, 1);
      return { ...x, dims };
    }
    case "Squeeze": {
      const axes = new Set(ints(y).map((v) => norm(v, x.dims.length)));
      return { ...x, dims: x.dims.filter((_, i) => !axes.has(i)) };
    }
    case "Reshape": {
      const target = ints(y).map((d, i) => (d === 0 ? x.dims[i]! : d));
      const known = target.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
      const dims = target.map((d) => (d === -1 ? x.data.length / known : d));
      if (size(dims) !== x.data.length) throw new Error(`Reshape: ${x.dims} to ${dims}`);
      return { ...x, dims };
    }
    case "Expand": return nary([x, t(ints(y), new Float64Array(size(ints(y))))], (p) => p, x.type);
    case "Slice": {
      const [start, end, axis] = [ints(y)[0]!, ints(z)[0]!, ints(ins[3]!)[0]!];
      const ax = norm(axis, x.dims.length);
      const len = x.dims[ax]!;
      const [s, e] = [Math.max(0, Math.min(start, len)), Math.max(0, Math.min(end, len))];
      const dims = x.dims.map((d, i) => (i === ax ? e - s : d));
      const st = strides(x.dims);
      const out = new Float64Array(size(dims));
      each(dims, (f, idx) => {
        let src = 0;
        idx.forEach((v, k) => (src += (k === ax ? v + s : v) * st[k]!));
        out[f] = x.data[src]!;
      });
      return t(dims, out, x.type);
    }
    case "Concat": {
      const parts = ins as T[];
      const ax = norm(a.int("axis", 0), x.dims.length);
      const total = parts.reduce((s, p) => s + p.dims[ax]!, 0);
      const dims = x.dims.map((d, i) => (i === ax ? total : d));
      const inner = size(dims.slice(ax + 1));
      const outer = size(dims.slice(0, ax));
      const out = new Float64Array(size(dims));
      let at = 0;
      for (const p of parts) {
        const len = p.dims[ax]!;
        for (let o = 0; o < outer; o++) for (let k = 0; k < len * inner; k++) out[(o * total + at) * inner + k] = p.data[o * len * inner + k]!;
        at += len;
      }
      return t(dims, out, x.type);
    }
    case "Pad": {
      const pads = ints(y);
      const r = x.dims.length;
      const dims = x.dims.map((d, i) => d + pads[i]! + pads[i + r]!);
      const st = strides(x.dims);
      const out = new Float64Array(size(dims));
      each(dims, (f, idx) => {
        let src = 0;
        for (let k = 0; k < r; k++) {
          const i = idx[k]! - pads[k]!;
          if (i < 0 || i >= x.dims[k]!) return;
          src += i * st[k]!;
        }
        out[f] = x.data[src]!;
      });
      return t(dims, out, x.type);
    }
    case "Shape": {
      const r = x.dims.length;
      const start = norm(a.int("start", 0), r);
      const end = a.int("end", r) < 0 ? a.int("end", r) + r : Math.min(a.int("end", r), r);
      return t([end - start], x.dims.slice(start, end), 7);
    }
    default:
      throw new Error(`evaluator: no kernel for ${n.opType}`);
  }
}

/** Runs the graph on named inputs; returns every graph output by name. */
export function runGraph(g: DecodedGraph, inputs: Record<string, T>): Record<string, T> {
  const env = new Map<string, T>();
  for (const init of g.initializers) env.set(init.name, t(init.dims, init.values, init.dataType));
  for (const i of g.inputs) {
    const v = inputs[i.name];
    if (!v) throw new Error(`no value for input ${i.name}`);
    i.shape.forEach((d, k) => {
      if (typeof d === "number" && v.dims[k] !== d) throw new Error(`input ${i.name}: dim ${k} is ${v.dims[k]}, the graph says ${d}`);
    });
    env.set(i.name, v);
  }
  for (const n of g.nodes) {
    const ins = n.inputs.map((name) => {
      if (name === "") return undefined;
      const v = env.get(name);
      if (!v) throw new Error(`${n.opType} ${n.name}: no value ${name}`);
      return v;
    });
    env.set(n.outputs[0]!, run(n, ins));
  }
  return Object.fromEntries(g.outputs.map((o) => [o.name, env.get(o.name)!]));
}

export { t as tensorOf };
