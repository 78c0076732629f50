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
import type { Expr, I32, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { addElementwise } from "../kernels/elementwise.js";
import { addReduce } from "../kernels/reduce.js";
import { elementwiseGroup } from "./ew-tree.js";
import { addCol2imAdd, addIm2col } from "./im2col.js";
import { addMaxPool, addMaxPool2x2, addMaxPoolBackward } from "./pool.js";
import { addAlongAxisOp, addArgmax, addEqual, addRowsOp } from "./index-ops.js";
import { addAvgPool, addPlace, addUpsample, padPlan } from "./spatial.js";
import { addPadPlanes, addWinogradInput, addWinogradOutput, addWinogradWeights, tileStride, winogradApplies, winogradGeometry, winogradScratch } from "./winograd.js";
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

/** Builds the statements of one call site; `q()` is the run function's one loop counter (loops never nest). */
type Call = (f: FunctionBuilder, q: () => Local<"i32">) => Stmt[];

/** `for (q = from; q < count; q++) body(q)` in the run function, or the body once when count is 1. */
function repeat(f: FunctionBuilder, q: Local<"i32">, from: number, count: number, body: (i: () => Expr<"i32">) => Stmt[]): Stmt[] {
  if (count - from <= 0) return [];
  if (count - from === 1) return body(() => f.i32.const(from));
  return [f.forRange(q, from, count, 1, body(() => q.get()))];
}

/** base + q·stride bytes (base alone for stride 0). */
function at(f: FunctionBuilder, base: number, q: () => Expr<"i32">, strideBytes: number): I32 {
  return strideBytes === 0 ? base : f.i32.add(base, f.i32.mul(q(), strideBytes));
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

  /** conv2d and its two backward ops: im2col (in Wasm) + the SIMD matmul, per batch item and group. */
  const conv = (n: Node & { op: "conv2d" | "conv2d_backward_input" | "conv2d_backward_weight" }): Call[] | null => {
    const shapeX = n.op === "conv2d_backward_input" ? n.shape : node(n.inputs[0]!).shape;
    const shapeW = n.op === "conv2d_backward_weight" ? n.shape : node(n.inputs[1]!).shape;
    const shapeY = n.op === "conv2d" ? n.shape : n.op === "conv2d_backward_input" ? node(n.inputs[0]!).shape : node(n.inputs[1]!).shape;
    const [N, C, H, W] = shapeX as [number, number, number, number];
    const [O, , KH, KW] = shapeW as [number, number, number, number];
    const [, , OH, OW] = shapeY as [number, number, number, number];
    const a = n.attrs;
    const G = a.groups;
    const [cg, og] = [C / G, O / G];
    const ckk = cg * KH * KW;
    const ohw = OH * OW;
    const pointwise = KH === 1 && KW === 1 && a.stride[0] === 1 && a.stride[1] === 1 && a.pad[0] === 0 && a.pad[1] === 0;
    const col = scratchPtr(n.id, "cols");
    if (!pointwise && col === undefined) return null;
    const im2col = kernel("im2col", (nm) => addIm2col(mod, nm));
    const col2im = kernel("col2im", (nm) => addCol2imAdd(mod, nm));
    const geo = [cg, H, W, KH, KW, OH, OW, a.stride[0], a.stride[1], a.pad[0], a.pad[1], a.dilation[0], a.dilation[1]];
    const mm = (f: FunctionBuilder, A: I32, B: I32, Cp: I32, M: number, Nn: number, K: number, tA: number, tB: number, acc: number): Stmt =>
      f.call(k.matmul, [A, B, Cp, M, Nn, K, tA, tB, acc, k.packA, k.packB]);
    const groups = Array.from({ length: G }, (_, gr) => gr);
    // Forward Winograd only in steps without a backward pass: its transforms turn some exact zeros (blank
    // or padded regions) into ±1e-9, which flips relu masks and max-pool ties and so moves gradients
    // between positions (the values agree to rounding; the gradients would not agree with the TS target's).
    const inference = sp.step === "predict" || sp.step === "evaluate";
    if (n.op === "conv2d" && inference && winogradApplies(C, KH, KW, a.stride, a.dilation, G)) return winograd(n, N, C, H, W, O, [a.pad[0], a.pad[1]]);
    // dx of a 3×3 stride-1 conv is a 3×3 stride-1 conv of dy with the filters rotated by 180° and their
    // channel axes swapped, padded by 2 − pad: Winograd too
    if (n.op === "conv2d_backward_input" && winogradApplies(O, KH, KW, a.stride, a.dilation, G) && a.pad[0] <= 2 && a.pad[1] <= 2)
      return winograd(n, N, O, OH, OW, C, [2 - a.pad[0], 2 - a.pad[1]], true);
    if (n.op === "conv2d") {
      const [px, pw, py] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
      return [(f, q) => repeat(f, q(), 0, N, (i) => groups.flatMap((gr) => {
        const xg = (): I32 => at(f, px + gr * cg * H * W * 4, i, C * H * W * 4);
        const yg = at(f, py + gr * og * ohw * 4, i, O * ohw * 4);
        const wg = pw + gr * og * ckk * 4;
        return pointwise ? [mm(f, wg, xg(), yg, og, ohw, ckk, 0, 0, 0)] : [f.call(im2col, [xg(), col!, ...geo]), mm(f, wg, col!, yg, og, ohw, ckk, 0, 0, 0)];
      }))];
    }
    if (n.op === "conv2d_backward_input") {
      const [pdy, pw, pdx] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
      return [(f, q) => [
        ...(pointwise ? [] : [f.fill(pdx, 0, N * C * H * W * 4)]),
        ...repeat(f, q(), 0, N, (i) => groups.flatMap((gr) => {
          const dyg = at(f, pdy + gr * og * ohw * 4, i, O * ohw * 4);
          const dxg = at(f, pdx + gr * cg * H * W * 4, i, C * H * W * 4);
          const wg = pw + gr * og * ckk * 4;
          return pointwise ? [mm(f, wg, dyg, dxg, ckk, ohw, og, 1, 0, 0)] : [mm(f, wg, dyg, col!, ckk, ohw, og, 1, 0, 0), f.call(col2im, [dxg, col!, ...geo])];
        })),
      ]];
    }
    const [px, pdy, pdw] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
    const item = (f: FunctionBuilder, i: () => Expr<"i32">, acc: number): Stmt[] => groups.flatMap((gr) => {
      const xg = (): I32 => at(f, px + gr * cg * H * W * 4, i, C * H * W * 4);
      const dyg = at(f, pdy + gr * og * ohw * 4, i, O * ohw * 4);
      const dwg = pdw + gr * og * ckk * 4;
      return pointwise ? [mm(f, dyg, xg(), dwg, og, ckk, ohw, 0, 1, acc)] : [f.call(im2col, [xg(), col!, ...geo]), mm(f, dyg, col!, dwg, og, ckk, ohw, 0, 1, acc)];
    });
    return [(f, q) => [...repeat(f, q(), 0, 1, (i) => item(f, i, 0)), ...repeat(f, q(), 1, N, (i) => item(f, i, 1))]];
  };

  /**
   * conv2d by Winograd F(2×2, 3×3) (winograd.ts): weights transformed once per call, then per chunk of
   * images: pad, input transform, 16 matmuls, output transform.
   */
  const winograd = (n: Node, N: number, C: number, H: number, W: number, O: number, pad: [number, number], flip = false): Call[] => {
    const g = winogradGeometry(N, C, H, W, O, pad, 1);
    const perImage = winogradScratch({ ...g, chunk: 1 });
    const chunk = Math.max(1, Math.min(N, Math.floor(WINOGRAD_CHUNK_BYTES / (perImage.v + perImage.m))));
    const geo = { ...g, chunk };
    const sc = winogradScratch(geo);
    const [pu, pxp, pv, pm] = [k.wino, k.wino + sc.u, k.wino + sc.u + sc.xp, k.wino + sc.u + sc.xp + sc.v].map((x) => Math.ceil(x / 64) * 64) as [number, number, number, number];
    k.winoBytes = Math.max(k.winoBytes, pm + sc.m - k.wino + 64);
    const fw = kernel(`wino_weights|${flip}`, (nm) => addWinogradWeights(mod, nm, flip));
    const fpad = kernel("wino_pad", (nm) => addPadPlanes(mod, nm));
    const fin = kernel("wino_input", (nm) => addWinogradInput(mod, nm));
    const fout = kernel("wino_output", (nm) => addWinogradOutput(mod, nm));
    const [px, pw, py] = [ptr(n.inputs[0]!), ptr(n.inputs[1]!), ptr(n.id)];
    const full = Math.floor(N / chunk);
    const pass = (f: FunctionBuilder, img0: () => Expr<"i32">, count: number): Stmt[] => {
      const ts = tileStride(geo, count);
      return [
        f.call(fpad, [at(f, px, img0, C * H * W * 4), pxp, count * C, H, W, geo.hp, geo.wp, geo.pad[0], geo.pad[1]]),
        f.call(fin, [pxp, pv, C, count, geo.hp, geo.wp, geo.th, geo.tw, ts]),
        f.call(`${k.matmul}_batch`, [pu, pv, pm, 16, O, ts, C, 0, 0, 0, O * C, C * ts, O * ts, k.packA, k.packB]),
        f.call(fout, [pm, at(f, py, img0, O * geo.oh * geo.ow * 4), O, count, geo.th, geo.tw, ts, geo.oh, geo.ow]),
      ];
    };
    return [(f, q) => [
      f.fill(pxp, 0, sc.xp),
      // flipped: the weights are stored [C, O, 3, 3] (the forward conv's [O', C', 3, 3])
      f.call(fw, flip ? [pw, pu, C, O] : [pw, pu, O, C]),
      ...repeat(f, q(), 0, full, (i) => pass(f, () => f.i32.mul(i(), chunk), chunk)),
      ...(N % chunk > 0 ? pass(f, () => f.i32.const(full * chunk), N % chunk) : []),
    ]];
  };

  /** max_pool2d (values and argmax) and its backward (a scatter of dy through the argmax). */
  const maxPool = (n: Node & { op: "max_pool2d" | "max_pool2d_backward" }): Call[] | null => {
    const x = node(n.inputs[0]!);
    if (x.dtype !== "f32") return null;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const a = n.attrs;
    const OH = Math.floor((H + 2 * a.pad[0] - a.kernel[0]) / a.stride[0]) + 1;
    const OW = Math.floor((W + 2 * a.pad[1] - a.kernel[1]) / a.stride[1]) + 1;
    // 2×2 windows at stride 2 without padding (the usual pooling) have a SIMD kernel; the argmax is
    // written only where a backward op of this step reads it.
    const twoByTwo = a.kernel[0] === 2 && a.kernel[1] === 2 && a.stride[0] === 2 && a.stride[1] === 2 && a.pad[0] === 0 && a.pad[1] === 0;
    const fwdCall = (f: FunctionBuilder, px: number, py: number, am: number, argmax: boolean): Stmt => twoByTwo
      ? f.call(kernel(`maxpool2x2|${argmax}`, (nm) => addMaxPool2x2(mod, nm, argmax)), [px, py, am, N * C, H, W, OH, OW])
      : f.call(kernel("maxpool", (nm) => addMaxPool(mod, nm)), [px, py, am, N * C, H, W, a.kernel[0], a.kernel[1], OH, OW, a.stride[0], a.stride[1], a.pad[0], a.pad[1]]);
    if (n.op === "max_pool2d") {
      const am = scratchPtr(n.id, "argmax");
      if (am === undefined) return null;
      const [px, py] = [ptr(x.id), ptr(n.id)];
      const argmax = pairs.backwardOf.has(n.id);
      return [(f) => [fwdCall(f, px, py, am, argmax)]];
    }
    const bwd = kernel("maxpool_backward", (nm) => addMaxPoolBackward(mod, nm));
    const [pdy, pdx] = [ptr(n.inputs[1]!), ptr(n.id)];
    const count = N * C * OH * OW;
    const forward = pairs.forwardOf.get(n.id);
    if (forward !== undefined) {
      const am = scratchPtr(forward, "argmax");
      if (am === undefined) return null;
      return [(f) => [f.call(bwd, [pdy, am, pdx, count, N * C * H * W * 4])]];
    }
    const [am, pooled] = [scratchPtr(n.id, "argmax"), scratchPtr(n.id, "pooled")];
    if (am === undefined || pooled === undefined) return null;
    const px = ptr(x.id);
    return [(f) => [fwdCall(f, px, pooled, am, true), f.call(bwd, [pdy, am, pdx, count, N * C * H * W * 4])]];
  };

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

  /** avg pooling, nearest upsampling (and their backward ops) and pad: spatial.ts. */
  const spatial = (n: Node): Call[] | null => {
    if (n.op === "pad") {
      const plan = padPlan(node(n.inputs[0]!).shape, n.attrs.pads);
      if (plan === null) return null;
      const place = kernel("place", (nm) => addPlace(mod, nm));
      const [px, py] = [ptr(n.inputs[0]!), ptr(n.id)];
      return [(f) => [f.fill(py, 0, sizeOf(n.shape) * 4), f.call(place, [px, py + plan.offset, ...plan.dims, plan.rowBytes, ...plan.strides])]];
    }
    if (n.dtype !== "f32") return null;
    if (n.op === "avg_pool2d" || n.op === "avg_pool2d_backward") {
      const backward = n.op === "avg_pool2d_backward";
      const [N, C, H, W] = (backward ? n.shape : node(n.inputs[0]!).shape) as [number, number, number, number];
      const [, , OH, OW] = (backward ? node(n.inputs[0]!).shape : n.shape) as [number, number, number, number];
      const a = n.attrs;
      const fn = kernel(`avgpool|${backward}`, (nm) => addAvgPool(mod, nm, backward));
      const [pa, py] = [ptr(n.inputs[0]!), ptr(n.id)];
      return [(f) => [f.call(fn, [pa, py, N * C, H, W, a.kernel[0], a.kernel[1], OH, OW, a.stride[0], a.stride[1], a.pad[0], a.pad[1]])]];
    }
    if (n.op === "upsample_nearest2d" || n.op === "upsample_nearest2d_backward") {
      const [sh, sw] = n.attrs.scale;
      if (sh !== sw) return null;
      const backward = n.op === "upsample_nearest2d_backward";
      const [N, C, h, w] = (backward ? n.shape : node(n.inputs[0]!).shape) as [number, number, number, number];
      const fn = kernel(`upsample|${backward}`, (nm) => addUpsample(mod, nm, backward));
      const [pa, py] = [ptr(n.inputs[0]!), ptr(n.id)];
      return [(f) => [f.call(fn, [pa, py, N * C, h, w, sh])]];
    }
    return null;
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
    if (n.op === "pad" || n.op === "avg_pool2d" || n.op === "avg_pool2d_backward" || n.op === "upsample_nearest2d" || n.op === "upsample_nearest2d_backward") return spatial(n);
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
    if (n.op === "max_pool2d" || n.op === "max_pool2d_backward") return maxPool(n);
    if ((n.op === "conv2d" || n.op === "conv2d_backward_input" || n.op === "conv2d_backward_weight") && n.dtype === "f32") return conv(n);
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

/** Bytes of V and M per Winograd chunk: small enough to stay in cache between the transforms. */
const WINOGRAD_CHUNK_BYTES = 1 << 20;

const SOURCES = new Set(["reshape", "stop_gradient", "const", "input", "param"]);
const ISELEMENTWISE = new Set([
  "neg", "exp", "log", "sqrt", "rsqrt", "abs", "square", "tanh", "sigmoid", "relu", "leaky_relu", "silu", "pow", "erf", "gelu",
  "add", "sub", "mul", "div", "maximum", "minimum", "greater", "broadcast_to", "select",
]);
