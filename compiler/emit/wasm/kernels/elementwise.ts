// Fused elementwise loops over f32x4: one pass computes a small expression tree over several inputs,
// e.g. relu(x·a + b), instead of one pass (and one temporary) per op. This is what the Wasm emitter
// generates for a fused group.
//
// Generated function: name(out, in0, …, in(n-1), rows, cols), byte offsets, output [rows×cols] f32.
// Inputs are broadcast by kind:
// - "full":   same shape as the output, x[i, j]
// - "scalar": one f32, x[] (splatted once, before the loop)
// - "row":    a vector of length cols, broadcast over rows, x[j] (e.g. a bias)
// - "col":    a vector of length rows, broadcast over columns, x[i] (splatted once per row)
// Without row/col inputs the loop is flat over rows·cols; otherwise it is rows × cols with the column
// loop vectorized. Each input is loaded once per step into a local, however often the tree reads it.
// The scalar tail evaluates the very same vector ops on splatted single elements and stores lane 0,
// so the tail and the body agree bit for bit (relu is `pmax(0, x)`, which maps NaN to 0, in both).
// Several outputs share the loads of a step; all loads of a step come before its stores, so an output
// may be the same array as an input (an in-place update), but must not overlap it at another offset.

import type { Expr, I32, Stmt } from "../expr.js";
import type { Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { expF32x4, logF32x4, sigmoidF32x4, tanhF32x4 } from "./simd-math.js";

export type EwInputKind = "full" | "scalar" | "row" | "col";
/** exp, log, sigmoid and tanh are polynomial approximations (a few ulp; see simd-math.ts), the rest exact. */
export type EwUnaryOp = "neg" | "abs" | "sqrt" | "relu" | "exp" | "log" | "sigmoid" | "tanh";
/** min/max propagate NaN (like Math.min/max); `maskPos(a, b)` is `b > 0 ? a : 0` (relu's backward). */
export type EwBinaryOp = "add" | "sub" | "mul" | "div" | "min" | "max" | "maskPos";

export type EwExpr =
  | { op: "input"; index: number }
  | { op: "const"; value: number }
  | { op: EwUnaryOp; x: EwExpr }
  | { op: EwBinaryOp; a: EwExpr; b: EwExpr }
  /** `c ≠ 0 ? a : b` (the IR's select: a NaN condition picks a, −0 picks b). */
  | { op: "select"; c: EwExpr; a: EwExpr; b: EwExpr };

export interface ElementwiseSpec {
  name: string;
  inputs: readonly EwInputKind[];
  /** One output, or several (e.g. an optimizer step updating a parameter and its moments in one pass). */
  expr: EwExpr | readonly EwExpr[];
}

/** (out, ...inputs, rows, cols), or (out0, …, out(k-1), ...inputs, rows, cols) for k outputs */
export type ElementwiseFn = (...args: number[]) => void;

// Constants are keyed by their f32 bits: a Set of numbers would merge 0 and -0.
function constKey(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0]!;
}

function collect(e: EwExpr, inputs: Set<number>, consts: Map<number, number>): void {
  switch (e.op) {
    case "input":
      inputs.add(e.index);
      return;
    case "const":
      consts.set(constKey(e.value), e.value);
      return;
    case "neg":
    case "abs":
    case "sqrt":
    case "relu":
    case "exp":
    case "log":
    case "sigmoid":
    case "tanh":
      collect(e.x, inputs, consts);
      return;
    case "select":
      collect(e.c, inputs, consts);
      collect(e.a, inputs, consts);
      collect(e.b, inputs, consts);
      return;
    default:
      collect(e.a, inputs, consts);
      collect(e.b, inputs, consts);
  }
}

export function addElementwise(mod: WasmModule, spec: ElementwiseSpec): void {
  const used = new Set<number>();
  const constants = new Map<number, number>();
  const outputs: readonly EwExpr[] = Array.isArray(spec.expr) ? spec.expr : [spec.expr as EwExpr];
  if (outputs.length === 0) throw new Error(`wasm elementwise ${spec.name}: no output`);
  for (const e of outputs) collect(e, used, constants);
  for (const i of used)
    if (!(i >= 0 && i < spec.inputs.length)) throw new Error(`wasm elementwise ${spec.name}: no input ${i}`);
  const outNames = outputs.length === 1 ? ["out"] : outputs.map((_, k) => `out${k}`);
  const params: Record<string, "i32"> = {};
  for (const n of outNames) params[n] = "i32";
  spec.inputs.forEach((_, i) => (params[`in${i}`] = "i32"));
  params.rows = "i32";
  params.cols = "i32";
  const nested = spec.inputs.some((k) => k === "row" || k === "col");

  mod.addFunction(spec.name, { params, result: "none", export: true }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const param = (n: string): Local<"i32"> => p[n]!;
    const inPtr = (i: number): Local<"i32"> => param(`in${i}`);
    const vals = new Map<number, Local<"v128">>();
    for (const i of used) vals.set(i, f.local(`x${i}`, "v128"));
    const constLocals = new Map<number, Local<"v128">>();
    [...constants.keys()].forEach((key, n) => constLocals.set(key, f.local(`k${n}`, "v128")));
    const zero = f.local("zero", "v128");
    const r = f.local("r", "i32"); // row
    const j = f.local("j", "i32"); // byte offset within the row (or the whole array when flat)
    const rowOff = f.local("rowOff", "i32");
    const end4 = f.local("end4", "i32");
    const end = f.local("end", "i32");

    const tree = (e: EwExpr): Expr<"v128"> => {
      switch (e.op) {
        case "input":
          return vals.get(e.index)!.get();
        case "const":
          return constLocals.get(constKey(e.value))!.get();
        case "neg":
          return f32x4.neg(tree(e.x));
        case "abs":
          return f32x4.abs(tree(e.x));
        case "sqrt":
          return f32x4.sqrt(tree(e.x));
        case "relu":
          return f32x4.pmax(zero.get(), tree(e.x));
        case "exp":
          return expF32x4(f, tree(e.x));
        case "log":
          return logF32x4(f, tree(e.x));
        case "sigmoid":
          return sigmoidF32x4(f, tree(e.x));
        case "tanh":
          return tanhF32x4(f, tree(e.x));
        case "maskPos": {
          const a = tree(e.a);
          return v128.and(a, f32x4.gt(tree(e.b), zero.get()));
        }
        case "select": {
          const a = tree(e.a);
          const b = tree(e.b);
          return v128.bitselect(a, b, f32x4.ne(tree(e.c), zero.get()));
        }
        default:
          return f32x4[e.op](tree(e.a), tree(e.b));
      }
    };

    // Loads of one step: `vector` picks v128.load (body) or load32_splat (tail).
    const loads = (vector: boolean, perStep: readonly EwInputKind[]): Stmt[] =>
      [...used]
        .filter((i) => perStep.includes(spec.inputs[i]!))
        .map((i) => {
          const kind = spec.inputs[i]!;
          const at: I32 = kind === "row" ? i32.add(inPtr(i).get(), j.get()) : i32.add(i32.add(inPtr(i).get(), rowOff.get()), j.get());
          return vals.get(i)!.set(vector ? v128.load(at, 0, 4) : v128.load32Splat(at));
        });
    const outAt = (k: number): Expr<"i32"> => i32.add(i32.add(param(outNames[k]!).get(), rowOff.get()), j.get());
    const body = (): Stmt[] => [...loads(true, ["full", "row"]), ...outputs.map((e, k) => v128.store(outAt(k), tree(e), 0, 4))];
    const tail = (): Stmt[] => [
      ...loads(false, ["full", "row"]),
      ...outputs.map((e, k) => f.f32.store(outAt(k), f32x4.extractLane(tree(e), 0))),
    ];
    // A stretch of `bytes` bytes starting at rowOff: vector body, then the scalar tail.
    const stretch = (bytes: () => Expr<"i32">): Stmt[] => [
      end.set(bytes()),
      end4.set(i32.and(end.get(), -16)),
      f.forRange(j, 0, () => end4.get(), 16, body()),
      f.forRange(j, end4.get(), () => end.get(), 4, tail()),
    ];

    const setup: Stmt[] = [
      zero.set(v128.zero()),
      ...[...constLocals].map(([key, l]) => l.set(f32x4.splat(f.f32.const(constants.get(key)!)))),
      ...[...used].filter((i) => spec.inputs[i] === "scalar").map((i) => vals.get(i)!.set(v128.load32Splat(inPtr(i).get()))),
      rowOff.set(0),
    ];
    if (!nested) return [...setup, ...stretch(() => i32.shl(i32.mul(param("rows").get(), param("cols").get()), 2))];
    return [
      ...setup,
      f.forRange(r, 0, () => param("rows").get(), 1, [
        rowOff.set(i32.shl(i32.mul(r.get(), param("cols").get()), 2)),
        ...[...used]
          .filter((i) => spec.inputs[i] === "col")
          .map((i) => vals.get(i)!.set(v128.load32Splat(i32.add(inPtr(i).get(), i32.shl(r.get(), 2))))),
        ...stretch(() => i32.shl(param("cols").get(), 2)),
      ]),
    ];
  });
}
