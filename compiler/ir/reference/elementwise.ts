// Reference kernels of the elementwise ops (unary, broadcasting binary, select, cast), one plain loop each.

import type { NoAttrs, OpName } from "../op-attrs.js";
import type { RefKernel, RefKernels, RefTensor } from "./tensor.js";
import { sizeOf } from "../shapes.js";
import { erf, gelu, sigmoid } from "./math.js";
import { broadcastIndex } from "./tensor.js";

function map1<K extends OpName>(f: (x: number) => number): RefKernel<K> {
  return ([x]) => x!.data.map(f);
}

function map2<K extends OpName>(f: (a: number, b: number) => number): RefKernel<K> {
  return ([a, b], _attrs, node) => {
    const ia = broadcastIndex(node.shape, a!.shape);
    const ib = broadcastIndex(node.shape, b!.shape);
    const out = new Float64Array(sizeOf(node.shape));
    for (let i = 0; i < out.length; i++) out[i] = f(a!.data[ia[i]!]!, b!.data[ib[i]!]!);
    if (node.dtype === "i32") for (let i = 0; i < out.length; i++) out[i] = out[i]! | 0;
    return out;
  };
}

type Unary = "neg" | "exp" | "log" | "sqrt" | "rsqrt" | "abs" | "square" | "tanh" | "sigmoid" | "relu" | "leaky_relu"
  | "erf" | "gelu" | "silu" | "sign" | "pow" | "stop_gradient";
type Binary = "add" | "sub" | "mul" | "div" | "maximum" | "minimum" | "greater" | "equal";

export const elementwiseKernels: RefKernels<Unary | Binary | "select" | "cast"> = {
  neg: map1((x) => -x),
  exp: map1(Math.exp),
  log: map1(Math.log),
  sqrt: map1(Math.sqrt),
  rsqrt: map1((x) => 1 / Math.sqrt(x)),
  abs: map1(Math.abs),
  square: map1((x) => x * x),
  tanh: map1(Math.tanh),
  sigmoid: map1(sigmoid),
  relu: map1((x) => (x > 0 ? x : 0)),
  leaky_relu: ([x], a) => x!.data.map((v) => (v > 0 ? v : a.alpha * v)),
  erf: map1(erf),
  gelu: map1(gelu),
  silu: map1((x) => x * sigmoid(x)),
  sign: map1((x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  pow: ([x], a) => x!.data.map((v) => Math.pow(v, a.exponent)),
  stop_gradient: map1((x) => x),

  add: map2((a, b) => a + b),
  sub: map2((a, b) => a - b),
  mul: map2((a, b) => a * b),
  div: map2((a, b) => a / b),
  maximum: map2(Math.max),
  minimum: map2(Math.min),
  greater: map2((a, b) => (a > b ? 1 : 0)),
  equal: map2((a, b) => (a === b ? 1 : 0)),

  select: ([c, a, b], _: NoAttrs, node) => {
    const [ic, ia, ib] = [c!, a!, b!].map((t: RefTensor) => broadcastIndex(node.shape, t.shape)) as [Int32Array, Int32Array, Int32Array];
    const out = new Float64Array(sizeOf(node.shape));
    for (let i = 0; i < out.length; i++) out[i] = c!.data[ic[i]!] !== 0 ? a!.data[ia[i]!]! : b!.data[ib[i]!]!;
    return out;
  },
  // f32 → i32 truncates toward zero (C and Wasm's i32.trunc_f32_s); i32 → f32 is exact here.
  cast: ([x], a) => (a.to === "i32" ? x!.data.map((v) => Math.trunc(v) | 0) : x!.data.slice()),
};
