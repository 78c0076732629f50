// Row-wise kernels in Wasm: the strided block copy behind slice and concat (runtime/kernels/copy-strided.ts,
// a bit copy, so f32 and i32 alike), and softmax / log-softmax over the last axis with their backward ops
// (runtime/kernels/softmax.ts, log-softmax.ts). The exponentials and the logarithm are the f32x4
// approximations of kernels/simd-math.ts (a few ulp); sums are f32 in four lanes, where the runtime sums
// in float64, so results differ from the TS target by rounding only.

import type { Expr, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { expF32x4, logF32x4 } from "../kernels/simd-math.js";

/** (src, dst, outer, srcStride, dstStride, count): all in bytes; count a multiple of 4. */
export function addCopy(mod: WasmModule, name: string): void {
  const params = { src: "i32", dst: "i32", outer: "i32", srcStride: "i32", dstStride: "i32", count: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128 } = f;
    const [o, j, end, s, d] = ["o", "j", "end", "s", "d"].map((x) => f.local(x, "i32")) as [Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    return [
      end.set(i32.and(p.count.get(), -16)),
      s.set(p.src.get()),
      d.set(p.dst.get()),
      f.forRange(o, 0, () => p.outer.get(), 1, [
        f.forRange(j, 0, () => end.get(), 16, [v128.store(i32.add(d.get(), j.get()), v128.load(i32.add(s.get(), j.get()), 0, 4), 0, 4)]),
        f.forRange(j, end.get(), () => p.count.get(), 4, [i32.store(i32.add(d.get(), j.get()), i32.load(i32.add(s.get(), j.get())))]),
        s.set(i32.add(s.get(), p.srcStride.get())),
        d.set(i32.add(d.get(), p.dstStride.get())),
      ]),
    ];
  });
}

export type SoftmaxKind = "softmax" | "log_softmax" | "softmax_backward" | "log_softmax_backward";

/**
 * softmax / log_softmax: (x, unused, y, rows, cols); the backward ops: (y, dy, dx, rows, cols), y the forward
 * output. Per row, a vector loop over 4 columns at a time and a scalar tail that runs the same vector
 * ops on splatted elements (lane 0 stored).
 */
export function addSoftmax(mod: WasmModule, name: string, kind: SoftmaxKind): void {
  const backward = kind === "softmax_backward" || kind === "log_softmax_backward";
  const params = { a: "i32", b: "i32", y: "i32", rows: "i32", cols: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const [r, j, end4, end, ra, rb, ry] = ["r", "j", "end4", "end", "ra", "rb", "ry"].map((x) => f.local(x, "i32")) as [
      Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    const acc = f.local("acc", "v128");
    const k = f.local("k", "v128");
    const s = f.local("s", "f32");
    const m = f.local("m", "f32");
    const sum4 = (): Expr<"f32"> => {
      const lane = (n: number) => f32x4.extractLane(acc.get(), n);
      return f.f32.add(f.f32.add(lane(0), lane(1)), f.f32.add(lane(2), lane(3)));
    };
    // A pass over the row: `step(vector)` gives the statements of one 4-column step (vector) or one
    // column (scalar, values splatted, lane 0 used); addresses are ra/rb/ry + j.
    const pass = (step: (load: (base: Local<"i32">) => Expr<"v128">, store: (base: Local<"i32">, v: Expr<"v128">) => Stmt) => Stmt[]): Stmt[] => [
      f.forRange(j, 0, () => end4.get(), 16, step(
        (base) => v128.load(i32.add(base.get(), j.get()), 0, 4),
        (base, v) => v128.store(i32.add(base.get(), j.get()), v, 0, 4),
      )),
      f.forRange(j, end4.get(), () => end.get(), 4, step(
        (base) => v128.load32Splat(i32.add(base.get(), j.get())),
        (base, v) => f.f32.store(i32.add(base.get(), j.get()), f32x4.extractLane(v, 0)),
      )),
    ];
    let body: Stmt[];
    if (!backward) {
      const max: Stmt[] = [
        m.set(f.f32.const(-Infinity)),
        f.forRange(j, 0, () => end.get(), 4, [m.set(f.f32.max(m.get(), f.f32.load(i32.add(ra.get(), j.get()))))]),
        f.if(f.f32.eq(m.get(), f.f32.const(-Infinity)), [m.set(f.f32.const(0))]),
        k.set(f32x4.splat(m.get())),
      ];
      // y = exp(x − m), acc += y (vector part); tail adds lane 0 into s
      const exps: Stmt[] = [
        acc.set(v128.zero()),
        f.forRange(j, 0, () => end4.get(), 16, [
          v128.store(i32.add(ry.get(), j.get()), expF32x4(f, f32x4.sub(v128.load(i32.add(ra.get(), j.get()), 0, 4), k.get())), 0, 4),
          acc.set(f32x4.add(acc.get(), v128.load(i32.add(ry.get(), j.get()), 0, 4))),
        ]),
        s.set(sum4()),
        f.forRange(j, end4.get(), () => end.get(), 4, [
          f.f32.store(i32.add(ry.get(), j.get()), f32x4.extractLane(expF32x4(f, f32x4.sub(v128.load32Splat(i32.add(ra.get(), j.get())), k.get())), 0)),
          s.set(f.f32.add(s.get(), f.f32.load(i32.add(ry.get(), j.get())))),
        ]),
      ];
      const finish: Stmt[] = kind === "softmax"
        ? [k.set(f32x4.splat(f.f32.div(f.f32.const(1), s.get()))), ...pass((load, store) => [store(ry, f32x4.mul(load(ry), k.get()))])]
        : [
          // y = x − (m + log s)
          k.set(f32x4.add(k.get(), logF32x4(f, f32x4.splat(s.get())))),
          ...pass((load, store) => [store(ry, f32x4.sub(load(ra), k.get()))]),
        ];
      body = [...max, ...exps, ...finish];
    } else {
      // a = y (forward output), b = dy, y = dx
      const reduce: Stmt[] = [
        acc.set(v128.zero()),
        f.forRange(j, 0, () => end4.get(), 16, [
          acc.set(f32x4.add(acc.get(), kind === "softmax_backward"
            ? f32x4.mul(v128.load(i32.add(ra.get(), j.get()), 0, 4), v128.load(i32.add(rb.get(), j.get()), 0, 4))
            : v128.load(i32.add(rb.get(), j.get()), 0, 4))),
        ]),
        s.set(sum4()),
        f.forRange(j, end4.get(), () => end.get(), 4, [
          s.set(f.f32.add(s.get(), kind === "softmax_backward"
            ? f.f32.mul(f.f32.load(i32.add(ra.get(), j.get())), f.f32.load(i32.add(rb.get(), j.get())))
            : f.f32.load(i32.add(rb.get(), j.get())))),
        ]),
        k.set(f32x4.splat(s.get())),
      ];
      const write = kind === "softmax_backward"
        ? pass((load, store) => [store(ry, f32x4.mul(load(ra), f32x4.sub(load(rb), k.get())))])
        : pass((load, store) => [store(ry, f32x4.sub(load(rb), f32x4.mul(expF32x4(f, load(ra)), k.get())))]);
      body = [...reduce, ...write];
    }
    return [
      end.set(i32.shl(p.cols.get(), 2)),
      end4.set(i32.and(end.get(), -16)),
      f.forRange(r, 0, () => p.rows.get(), 1, [
        ra.set(i32.add(p.a.get(), i32.mul(r.get(), end.get()))),
        rb.set(i32.add(p.b.get(), i32.mul(r.get(), end.get()))),
        ry.set(i32.add(p.y.get(), i32.mul(r.get(), end.get()))),
        ...body,
      ]),
    ];
  });
}
