// One step graph → one exported Wasm function (`m<k>_run_train`, …): straight-line calls, in schedule
// order, with every pointer a constant byte offset from the memory plan. Per scheduled node:
// - matmul (2-D, all four transposes; batched with strides) → the SIMD matmul kernel (kernels/matmul.ts);
// - a fused elementwise group → one f32x4 loop (kernels/elementwise.ts), shared by equal groups;
// - sum / max / mean over one run of axes that is a row or column reduction of a matrix → the SIMD
//   reduction (kernels/reduce.ts), mean then scaled in place by an elementwise loop;
// - conv2d → Winograd (winograd.ts) when 3×3 stride 1 in predict/evaluate (and the dx of such convs in
//   any step), else im2col + matmul; 2×2 max pooling → SIMD;
// - gather / scatter_add / take_along_axis / scatter_along_axis → index-ops.ts, with the node's TS code
//   as a thunk called only on a bad index (to throw the TS target's error);
// - avg pooling, nearest upsampling (+ backward ops), pad → spatial.ts;
// - anything else → a call of an imported JS thunk running the TS target's code for that node (and for
//   the non-native nodes right after it), on views made once when the model is created.

import type { Node, NodeId } from "../../../ir/graph.js";
import { sizeOf } from "../../../ir/shapes.js";
import type { ModelProgram } from "../../../program/types.js";
import type { ModelPlan, StepPlan } from "../../../plan/step-values.js";
import type { ClassContext } from "../../ts/context.js";
import { emitNode } from "../../ts/op-code.js";
import type { PoolPairs } from "../../ts/op-code.js";
import { makeStepEmitter } from "../../ts/step.js";
import type { Expr, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { addElementwise } from "../kernels/elementwise.js";
import { addReduce } from "../kernels/reduce.js";
import { elementwiseGroup } from "./ew-tree.js";
import { addAlongAxisOp, addArgmax, addEqual, addRowsOp } from "./index-ops.js";
import type { Call, StepContext } from "./step-conv.js";
import { at, convCalls, maxPoolCalls, repeat, spatialCalls } from "./step-conv.js";
import { addUniform, fmix32 } from "./random.js";
import type { SoftmaxKind } from "./rows.js";
import { addCopy, addSoftmax, addSoftmaxInner, addTranspose, transposePlan } from "./rows.js";
import { importThunk } from "./imports.js";

export interface ModuleKernels {
  /** The matmul kernel's name and its scratch (byte offsets past every model's arena). */
  matmul: string;
  packA: number;
  packB: number;
  /**
   * Start of the model's Winograd scratch (past the matmul's), and the most bytes any conv of the model
   * needs there so far (the emitter sizes the memory from it after emitting every step).
   */
  wino: number;
  winoBytes: number;
  /** Elementwise and reduction functions made so far, by canonical key. */
  functions: Map<string, string>;
}

export interface Thunk {
  /** Import name (`env.<name>`) and the TS statements it runs. */
  name: string;
  body: string[];
}

export interface StepStats {
  native: Record<string, number>;
  thunked: Record<string, number>;
}

export interface EmittedStep {
  exportName: string;
  thunks: Thunk[];
  stats: StepStats;
}


export function emitStepWasm(mod: WasmModule, k: ModuleKernels, model: ModelProgram, plan: ModelPlan, sp: StepPlan,
  cls: ClassContext, pairs: PoolPairs, prefix: string): EmittedStep {
  const g = sp.graph;
  const node = (id: NodeId): Node => g.nodes[id]!;
  const offsets = new Map(plan.slots.map((s) => [s.key, s.offset]));
  const ptr = (id: NodeId): number => {
    const st = sp.storage.get(id);
    if (!st || st.kind === "literal") throw new Error(`wasm: %${id} has no memory`);
    const key = st.kind === "state" ? `state:${st.name}` : st.key;
    const off = offsets.get(key);
    if (off === undefined) throw new Error(`wasm: no slot ${key}`);
    return off;
  };
  const literal = (id: NodeId): number | undefined => {
    const st = sp.storage.get(id);
    return st?.kind === "literal" ? st.value : undefined;
  };
  const em = makeStepEmitter(cls, model, sp, pairs);
  const stats: StepStats = { native: {}, thunked: {} };
  const count = (t: Record<string, number>, op: string) => (t[op] = (t[op] ?? 0) + 1);

  const calls: Array<Call | { thunk: string }> = [];
  const thunks: Thunk[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const name = `${prefix}_${sp.step}_k${thunks.length}`;
    thunks.push({ name, body: pending });
    calls.push({ thunk: name });
    pending = [];
  };
  const kernel = (key: string, make: (name: string) => void): string => {
    let name = k.functions.get(key);
    if (name === undefined) {
      name = `f${k.functions.size}`;
      make(name);
      k.functions.set(key, name);
    }
    return name;
  };
  const scale = (base: number, length: number, by: number): Call => {
    const name = kernel(`scale|${by}`, (nm) => addElementwise(mod, { name: nm, inputs: ["full"], expr: { op: "mul", a: { op: "input", index: 0 }, b: { op: "const", value: by } } }));
    return (f) => [f.call(name, [base, base, 1, length])];
  };

  const scratchPtr = (id: NodeId, name: string): number | undefined => {
    const key = sp.scratch.get(id)?.find((r) => r.name === name)?.key;
    return key === undefined ? undefined : offsets.get(key);
  };
  const ctx: StepContext = { mod, k, sp, pairs, node, ptr, scratchPtr, kernel };


  /**
   * An indexing op in Wasm; on a bad index the kernel returns its position and the node's TS code runs as
   * a thunk, to throw the TS target's error.
   */
  const indexOp = (n: Node & { op: "gather" | "scatter_add" | "take_along_axis" | "scatter_along_axis" }): Call[] | null => {
    if (n.dtype !== "f32" || node(n.inputs[1]!).dtype !== "i32") return null;
    const code = emitNode(n, em);
    const fallback = `${prefix}_${sp.step}_k${thunks.length}`;
    thunks.push({ name: fallback, body: code });
    const [pa, pidx, py] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
    const checked = (f: FunctionBuilder, status: Expr<"i32">): Stmt => f.if(f.i32.geS(status, 0), [f.call(fallback, [])]);
    if (n.op === "gather" || n.op === "scatter_add") {
      const fn = kernel(n.op, (nm) => addRowsOp(mod, nm, n.op as "gather" | "scatter_add"));
      const table = n.op === "gather" ? node(n.inputs[0]!).shape : n.shape;
      const [V, D, count] = [table[0]!, sizeOf(table.slice(1)), sizeOf(node(n.inputs[1]!).shape)];
      return [(f) => [
        ...(n.op === "scatter_add" ? [f.fill(py, 0, sizeOf(n.shape) * 4)] : []),
        checked(f, f.callValue(fn, [pa, pidx, py, V, D, count], "i32")),
      ]];
    }
    const full = n.op === "take_along_axis" ? node(n.inputs[0]!).shape : n.shape;
    const axis = n.attrs.axis;
    const ignore = n.attrs.ignore;
    const useIgnore = ignore !== null && Number.isInteger(ignore) && Math.abs(ignore) < 2 ** 31;
    const fn = kernel(n.op, (nm) => addAlongAxisOp(mod, nm, n.op as "take_along_axis" | "scatter_along_axis"));
    const args = [pa, pidx, py, sizeOf(full.slice(0, axis)), full[axis]!, sizeOf(full.slice(axis + 1)), useIgnore ? ignore : 0, useIgnore ? 1 : 0];
    return [(f) => [
      ...(n.op === "scatter_along_axis" ? [f.fill(py, 0, sizeOf(n.shape) * 4)] : []),
      checked(f, f.callValue(fn, args, "i32")),
    ]];
  };


  const native = (n: Node): Call[] | null => {
    if (n.op === "argmax" && node(n.inputs[0]!).dtype === "f32" && n.dtype === "i32") {
      const xs = node(n.inputs[0]!).shape;
      const axis = n.attrs.axis < 0 ? n.attrs.axis + xs.length : n.attrs.axis;
      const fn = kernel("argmax", (nm) => addArgmax(mod, nm));
      const [px, py] = [ptr(n.inputs[0]!), ptr(n.id)];
      return [(f) => [f.call(fn, [px, py, sizeOf(xs.slice(0, axis)), xs[axis]!, sizeOf(xs.slice(axis + 1))])]];
    }
    if (n.op === "equal" && n.dtype === "f32") {
      const [a, b] = [node(n.inputs[0]!), node(n.inputs[1]!)];
      if (a.dtype !== b.dtype || (a.dtype !== "f32" && a.dtype !== "i32") || sizeOf(a.shape) !== sizeOf(n.shape) || sizeOf(b.shape) !== sizeOf(n.shape)) return null;
      if (literal(a.id) !== undefined || literal(b.id) !== undefined || sp.virtual.has(a.id) || sp.virtual.has(b.id)) return null;
      const fn = kernel(`equal|${a.dtype}`, (nm) => addEqual(mod, nm, a.dtype as "f32" | "i32"));
      return [(f) => [f.call(fn, [ptr(a.id), ptr(b.id), ptr(n.id), sizeOf(n.shape)])]];
    }
    if (n.op === "pad" || n.op === "avg_pool2d" || n.op === "avg_pool2d_backward" || n.op === "upsample_nearest2d" || n.op === "upsample_nearest2d_backward") return spatialCalls(ctx, n);
    if (n.op === "gather" || n.op === "scatter_add" || n.op === "take_along_axis" || n.op === "scatter_along_axis") return indexOp(n);
    if (n.op === "random_uniform" && n.attrs.low === 0 && n.attrs.high === 1 && n.dtype === "f32") {
      const fn = kernel("uniform", (nm) => addUniform(mod, nm));
      const [py, pstep] = [ptr(n.id), ptr(n.inputs[0]!)];
      const h0 = fmix32((n.attrs.stream ^ 0x9e3779b9) >>> 0) | 0;
      return [(f) => [f.call(fn, [py, sizeOf(n.shape), pstep, h0])]];
    }
    if (n.op === "transpose") {
      const { dims, strides } = transposePlan(node(n.inputs[0]!).shape, n.attrs.perm);
      const rows = dims.length > 0 && strides[strides.length - 1] === 4;
      if (rows) {
        dims[dims.length - 1] = dims[dims.length - 1]! * 4;
        strides[strides.length - 1] = 0;
      }
      if (dims.length > 4) return null;
      while (dims.length < 4) {
        dims.unshift(1);
        strides.unshift(0);
      }
      const fn = kernel("transpose", (nm) => addTranspose(mod, nm));
      const [px, py] = [ptr(n.inputs[0]!), ptr(n.id)];
      return [(f) => [f.call(fn, [px, py, ...dims, ...strides, rows ? 1 : 0])]];
    }
    if (n.op === "slice" || n.op === "concat") {
      const copy = kernel("copy", (nm) => addCopy(mod, nm));
      const py = ptr(n.id);
      if (n.op === "slice") {
        const xs = node(n.inputs[0]!).shape;
        const inner = sizeOf(xs.slice(n.attrs.axis + 1));
        const outer = sizeOf(xs.slice(0, n.attrs.axis));
        const count = (n.attrs.end - n.attrs.start) * inner;
        const px = ptr(n.inputs[0]!) + n.attrs.start * inner * 4;
        return [(f) => [f.call(copy, [px, py, outer, xs[n.attrs.axis]! * inner * 4, count * 4, count * 4])]];
      }
      const axis = n.attrs.axis;
      const outer = sizeOf(n.shape.slice(0, axis));
      const inner = sizeOf(n.shape.slice(axis + 1));
      const dstInner = n.shape[axis]! * inner;
      let offset = 0;
      const parts = n.inputs.map((id) => {
        const part = node(id).shape[axis]! * inner;
        const call = { src: ptr(id), dst: py + offset * 4, part };
        offset += part;
        return call;
      });
      return [(f) => parts.map((c) => f.call(copy, [c.src, c.dst, outer, c.part * 4, dstInner * 4, c.part * 4]))];
    }
    if (n.op === "softmax" || n.op === "log_softmax" || n.op === "softmax_backward" || n.op === "log_softmax_backward") {
      const full = n.shape;
      const axis = n.attrs.axis;
      if (n.dtype !== "f32") return null;
      const rows = sizeOf(full.slice(0, axis));
      const cols = full[axis]!;
      const inner = sizeOf(full.slice(axis + 1));
      if (inner !== 1) {
        const fn = kernel(`${n.op}|inner`, (nm) => addSoftmaxInner(mod, nm, n.op as SoftmaxKind));
        const [pa, pb, py] = [ptr(n.inputs[0]!), n.inputs.length > 1 ? ptr(n.inputs[1]!) : 0, ptr(n.id)];
        return [(f) => [f.call(fn, [pa, pb, py, rows, cols, inner])]];
      }
      const fn = kernel(n.op, (nm) => addSoftmax(mod, nm, n.op as SoftmaxKind));
      const [pa, pb] = [ptr(n.inputs[0]!), n.inputs.length > 1 ? ptr(n.inputs[1]!) : 0];
      const py = ptr(n.id);
      return [(f) => [f.call(fn, [pa, pb, py, rows, cols])]];
    }
    if (n.op === "max_pool2d" || n.op === "max_pool2d_backward") return maxPoolCalls(ctx, n);
    if ((n.op === "conv2d" || n.op === "conv2d_backward_input" || n.op === "conv2d_backward_weight") && n.dtype === "f32") return convCalls(ctx, n);
    if (n.op === "matmul") {
      if (n.dtype !== "f32") return null;
      const a = node(n.inputs[0]!).shape;
      const b = node(n.inputs[1]!).shape;
      const [M, N] = n.shape.slice(-2) as [number, number];
      const K = n.attrs.transA ? a[a.length - 2]! : a[a.length - 1]!;
      const tA = n.attrs.transA ? 1 : 0;
      const tB = n.attrs.transB ? 1 : 0;
      const [pa, pb, pc] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
      const batch = sizeOf(n.shape.slice(0, -2));
      if (batch === 1 && a.length === 2 && b.length === 2) return [(f) => [f.call(k.matmul, [pa, pb, pc, M, N, K, tA, tB, 0, k.packA, k.packB])]];
      const stride = (shape: readonly number[]): number | null => {
        const own = sizeOf(shape.slice(0, -2));
        return own === batch ? sizeOf(shape.slice(-2)) : own === 1 ? 0 : null;
      };
      const [sa, sb] = [stride(a), stride(b)];
      if (sa === null || sb === null) return null;
      return [(f) => [f.call(`${k.matmul}_batch`, [pa, pb, pc, batch, M, N, K, tA, tB, 0, sa, sb, M * N, k.packA, k.packB])]];
    }
    if (n.op === "sum" || n.op === "mean" || n.op === "max") {
      const x = node(n.inputs[0]!);
      if (n.dtype !== "f32" || x.dtype !== "f32") return null;
      // x = [A (reduced) · B (kept) · C (reduced)]: one row or column reduction, or A column
      // reductions of [B × C] accumulated into the output.
      const axes = new Set(n.attrs.axes.map((ax) => (ax < 0 ? ax + x.shape.length : ax)));
      let p = 0;
      while (p < x.shape.length && axes.has(p)) p++;
      let e = x.shape.length;
      while (e > p && axes.has(e - 1)) e--;
      for (let i = p; i < e; i++) if (axes.has(i)) return null;
      const [A, B, C] = [sizeOf(x.shape.slice(0, p)), sizeOf(x.shape.slice(p, e)), sizeOf(x.shape.slice(e))];
      const op = n.op === "max" ? "max" : "sum";
      const [px, py] = [ptr(x.id), ptr(n.id)];
      const red = (axis: 0 | 1): string => kernel(`reduce|${op}|${axis}`, (nm) => addReduce(mod, { name: nm, op, axis }));
      const out: Call[] = [];
      if (A * C === 0 || B === 0) return null;
      if (C === 1) out.push((f) => [f.call(red(0), [px, py, A, B, 0])]);
      else if (A === 1) out.push((f) => [f.call(red(1), [px, py, B, C, 0])]);
      else {
        const name = red(1);
        out.push((f, q) => [
          f.call(name, [px, py, B, C, 0]),
          ...repeat(f, q(), 1, A, (i) => [f.call(name, [at(f, px, i, B * C * 4), py, B, C, 1])]),
        ]);
      }
      if (n.op === "mean") out.push(scale(py, B, 1 / (A * C)));
      return out;
    }
    const group = ISELEMENTWISE.has(n.op) && !sp.virtual.has(n.id) ? elementwiseGroup(n, { node, virtual: sp.virtual, literal }) : null;
    if (group) {
      const kinds = group.leaves.map((l) => l.kind);
      const name = kernel(`ew|${group.key}`, (nm) => addElementwise(mod, { name: nm, inputs: kinds, expr: group.expr }));
      const step = group.rows * group.cols * 4;
      const bases = [{ base: ptr(n.id), stride: step }, ...group.leaves.map((l) => ({ base: ptr(l.node), stride: l.outerStride * 4 }))];
      return [(f, q) => repeat(f, q(), 0, group.outer, (i) => [
        f.call(name, [...bases.map((b) => at(f, b.base, i, b.stride)), group.rows, group.cols]),
      ])];
    }
    return null;
  };

  for (const id of sp.order) {
    const n = node(id);
    if (SOURCES.has(n.op) || sp.virtual.has(id)) continue;
    const nat = native(n);
    if (nat) {
      flush();
      calls.push(...nat);
      count(stats.native, n.op);
      continue;
    }
    const code = emitNode(n, em);
    if (code.length === 0) continue;
    pending.push(...code);
    count(stats.thunked, n.op);
  }
  flush();

  const exportName = `${prefix}_run_${sp.step}`;
  mod.addFunction(exportName, { params: {}, result: "none", export: true }, (f) => {
    for (const t of thunks) importThunk(f, t.name);
    let counter: Local<"i32"> | undefined;
    const q = (): Local<"i32"> => (counter ??= f.local("q", "i32"));
    const body: Stmt[] = [];
    for (const c of calls) {
      if (typeof c === "function") body.push(...c(f, q));
      else body.push(f.call(c.thunk, []));
    }
    return body.length > 0 ? body : [f.nop()];
  });
  return { exportName, thunks, stats };
}

const SOURCES = new Set(["reshape", "stop_gradient", "const", "input", "param"]);
const ISELEMENTWISE = new Set([
  "neg", "exp", "log", "sqrt", "rsqrt", "abs", "square", "tanh", "sigmoid", "relu", "leaky_relu", "silu", "pow", "erf", "gelu",
  "add", "sub", "mul", "div", "maximum", "minimum", "greater", "broadcast_to", "select",
]);
