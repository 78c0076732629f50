// The emitters of step-wasm.ts for convolutions, pooling and the other spatial ops: each turns one node into
// the run function's call sites (`Call`s), over the step's context (pointers from the memory plan, the
// module's kernel cache). conv2d: Winograd (winograd.ts) for 3×3 stride-1 convs in predict/evaluate and
// for their dx, else im2col/col2im + the SIMD matmul per batch item and group; max pooling: the SIMD 2×2
// kernel or the general one (pool.ts); avg pooling, upsampling and pad: spatial.ts.

import type { Node, NodeId } from "../../../ir/graph.js";
import { sizeOf } from "../../../ir/shapes.js";
import type { StepPlan } from "../../../plan/step-values.js";
import type { PoolPairs } from "../../ts/op-code.js";
import type { Expr, I32, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { addCol2imAdd, addIm2col } from "./im2col.js";
import { addMaxPool, addMaxPool2x2, addMaxPoolBackward } from "./pool.js";
import { addAvgPool, addPlace, addUpsample, padPlan } from "./spatial.js";
import { addPadPlanes, addWinogradInput, addWinogradOutput, addWinogradWeights, tileStride, winogradApplies, winogradGeometry, winogradScratch } from "./winograd.js";

/** The matmul kernel, its scratch and the Winograd scratch of the model (step-wasm.ts's ModuleKernels). */
export interface KernelSpace {
  matmul: string;
  packA: number;
  packB: number;
  wino: number;
  winoBytes: number;
}

/** Builds the statements of one call site; `q()` is the run function's one loop counter (loops never nest). */
export type Call = (f: FunctionBuilder, q: () => Local<"i32">) => Stmt[];

/** What the node emitters read of the step being emitted. */
export interface StepContext {
  mod: WasmModule;
  k: KernelSpace;
  sp: StepPlan;
  pairs: PoolPairs;
  node(id: NodeId): Node;
  /** Byte offset of a value's memory (throws for a literal). */
  ptr(id: NodeId): number;
  scratchPtr(id: NodeId, name: string): number | undefined;
  /** The name of the module function for `key`, made by `make` the first time. */
  kernel(key: string, make: (name: string) => void): string;
}

/** `for (q = from; q < count; q++) body(q)` in the run function, or the body once when count is 1. */
export function repeat(f: FunctionBuilder, q: Local<"i32">, from: number, count: number, body: (i: () => Expr<"i32">) => Stmt[]): Stmt[] {
  if (count - from <= 0) return [];
  if (count - from === 1) return body(() => f.i32.const(from));
  return [f.forRange(q, from, count, 1, body(() => q.get()))];
}

/** base + q·stride bytes (base alone for stride 0). */
export function at(f: FunctionBuilder, base: number, q: () => Expr<"i32">, strideBytes: number): I32 {
  return strideBytes === 0 ? base : f.i32.add(base, f.i32.mul(q(), strideBytes));
}

/** Bytes of V and M per Winograd chunk: small enough to stay in cache between the transforms. */
const WINOGRAD_CHUNK_BYTES = 1 << 20;

/** conv2d and its two backward ops: im2col (in Wasm) + the SIMD matmul, per batch item and group. */
export function convCalls(c: StepContext, n: Node & { op: "conv2d" | "conv2d_backward_input" | "conv2d_backward_weight" }): Call[] | null {
  const { mod, k, sp, node, scratchPtr, kernel, ptr } = c;
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
  if (n.op === "conv2d" && inference && winogradApplies(C, KH, KW, a.stride, a.dilation, G)) return winograd(c, n, N, C, H, W, O, [a.pad[0], a.pad[1]]);
  // dx of a 3×3 stride-1 conv is a 3×3 stride-1 conv of dy with the filters rotated by 180° and their
  // channel axes swapped, padded by 2 − pad: Winograd too
  if (n.op === "conv2d_backward_input" && winogradApplies(O, KH, KW, a.stride, a.dilation, G) && a.pad[0] <= 2 && a.pad[1] <= 2)
    return winograd(c, n, N, O, OH, OW, C, [2 - a.pad[0], 2 - a.pad[1]], true);
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
}

/**
 * conv2d by Winograd F(2×2, 3×3) (winograd.ts): weights transformed once per call, then per chunk of
 * images: pad, input transform, 16 matmuls, output transform.
 */
function winograd(c: StepContext, n: Node, N: number, C: number, H: number, W: number, O: number, pad: [number, number], flip = false): Call[] {
  const { mod, k, kernel, ptr } = c;
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
}

/** max_pool2d (values and argmax) and its backward (a scatter of dy through the argmax). */
export function maxPoolCalls(c: StepContext, n: Node & { op: "max_pool2d" | "max_pool2d_backward" }): Call[] | null {
  const { mod, pairs, node, scratchPtr, kernel, ptr } = c;
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
}

/** avg pooling, nearest upsampling (and their backward ops) and pad: spatial.ts. */
export function spatialCalls(c: StepContext, n: Node): Call[] | null {
  const { mod, node, kernel, ptr } = c;
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
}