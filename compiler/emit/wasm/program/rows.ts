// Row-wise kernels in Wasm: the strided block copy behind slice and concat (runtime/kernels/copy-strided.ts,
// a bit copy, so f32 and i32 alike), and softmax / log-softmax over the last axis with their backward ops
// (runtime/kernels/softmax.ts, log-softmax.ts). The exponentials and the logarithm are the f32x4
// approximations of kernels/simd-math.ts (a few ulp); sums are f32 in four lanes, where the runtime sums
// in float64, so results differ from the TS target by rounding only.

import type { Expr, Stmt } from "../expr.js";
import type { Local } from "../func.js";
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

/** Output dims and input strides (bytes) of a permutation, merged where both sides are contiguous and without size-1 dims. */
export function transposePlan(shape: readonly number[], perm: readonly number[]): { dims: number[]; strides: number[] } {
  const inStride = (a: number): number => 4 * shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const dims: number[] = [];
  const strides: number[] = [];
  const axes: number[] = [];
  for (const a of perm) {
    const d = shape[a]!;
    if (d === 1) continue;
    const last = axes.length - 1;
    if (last >= 0 && axes[last]! + 1 === a) {
      dims[last] = dims[last]! * d;
      strides[last] = inStride(a);
      axes[last] = a;
    } else {
      dims.push(d);
      strides.push(inStride(a));
      axes.push(a);
    }
  }
  return { dims, strides };
}

/**
 * (x, y, n0, n1, n2, n3, s0, s1, s2, s3, rows): y walks contiguously over [n0, n1, n2, n3] reading x
 * through byte strides s0..s3. With `rows` = 1 the innermost dim is contiguous in x too and n3 is its
 * length in bytes: each row is a vector copy.
 */
export function addTranspose(mod: WasmModule, name: string): void {
  const params = { x: "i32", y: "i32", n0: "i32", n1: "i32", n2: "i32", n3: "i32", s0: "i32", s1: "i32", s2: "i32", s3: "i32", rows: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128 } = f;
    const [i0, i1, i2, i3, a0, a1, a2, src, dst, end] = ["i0", "i1", "i2", "i3", "a0", "a1", "a2", "src", "dst", "end"].map((x) => f.local(x, "i32")) as Local<"i32">[] as [
      Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    return [
      dst.set(p.y.get()),
      end.set(i32.and(p.n3.get(), -16)),
      a0.set(p.x.get()),
      f.forRange(i0, 0, () => p.n0.get(), 1, [
        a1.set(a0.get()),
        f.forRange(i1, 0, () => p.n1.get(), 1, [
          a2.set(a1.get()),
          f.forRange(i2, 0, () => p.n2.get(), 1, [
            src.set(a2.get()),
            f.if(p.rows.get(), [
              f.forRange(i3, 0, () => end.get(), 16, [v128.store(i32.add(dst.get(), i3.get()), v128.load(i32.add(src.get(), i3.get()), 0, 4), 0, 4)]),
              f.forRange(i3, end.get(), () => p.n3.get(), 4, [i32.store(i32.add(dst.get(), i3.get()), i32.load(i32.add(src.get(), i3.get())))]),
              dst.set(i32.add(dst.get(), p.n3.get())),
            ], [
              f.forRange(i3, 0, () => p.n3.get(), 1, [
                i32.store(dst.get(), i32.load(src.get())),
                src.set(i32.add(src.get(), p.s3.get())),
                f.inc(dst, 4),
              ]),
            ]),
            a2.set(i32.add(a2.get(), p.s2.get())),
          ]),
          a1.set(i32.add(a1.get(), p.s1.get())),
        ]),
        a0.set(i32.add(a0.get(), p.s0.get())),
      ]),
    ];
  });
}

/**
 * The softmax family along a middle axis of an [outer, len, inner] view (inner > 1; the TS target's
 * loops in emit/ts/axis-ops.ts): SIMD over four adjacent inner positions (contiguous in memory), each
 * reduced along the axis at a stride of inner floats; the last inner mod 4 positions one at a time (same
 * vector ops on splatted values, lane 0 stored). Parameters (a, b, y, outer, len, inner) as addSoftmax's.
 */
export function addSoftmaxInner(mod: WasmModule, name: string, kind: SoftmaxKind): void {
  const params = { a: "i32", b: "i32", y: "i32", outer: "i32", len: "i32", inner: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const [o, q, kk, inner4, stride, off, at] = f.locals("i32", ["o", "q", "kk", "inner4", "stride", "off", "at"]);
    const [m, s] = f.locals("v128", ["m", "s"]);
    const column = (vector: boolean): Stmt[] => {
      const ld = (base: Local<"i32">): Expr<"v128"> => (vector ? v128.load(i32.add(base.get(), at.get()), 0, 4) : v128.load32Splat(i32.add(base.get(), at.get())));
      const st = (v: Expr<"v128">): Stmt => (vector ? v128.store(i32.add(p.y.get(), at.get()), v, 0, 4) : f.f32.store(i32.add(p.y.get(), at.get()), f32x4.extractLane(v, 0)));
      // `body` once per position k along the axis, at = off + k·stride
      const along = (body: Stmt[]): Stmt => f.forRange(kk, 0, () => p.len.get(), 1, [at.set(i32.add(off.get(), i32.mul(kk.get(), stride.get()))), ...body]);
      const { a, b } = p;
      switch (kind) {
        case "softmax":
        case "log_softmax":
          return [
            m.set(f32x4.splat(f.f32.const(-Infinity))),
            along([m.set(f32x4.max(m.get(), ld(a)))]),
            // a column of −∞ only: shift by 0 (as the last-axis kernel does)
            m.set(v128.bitselect(v128.zero(), m.get(), f32x4.eq(m.get(), f32x4.splat(f.f32.const(-Infinity))))),
            s.set(v128.zero()),
            ...(kind === "softmax"
              ? [
                  along([st(expF32x4(f, f32x4.sub(ld(a), m.get()))), s.set(f32x4.add(s.get(), ld(p.y)))]),
                  s.set(f32x4.div(f32x4.splat(f.f32.const(1)), s.get())),
                  along([st(f32x4.mul(ld(p.y), s.get()))]),
                ]
              : [
                  along([s.set(f32x4.add(s.get(), expF32x4(f, f32x4.sub(ld(a), m.get()))))]),
                  m.set(f32x4.add(m.get(), logF32x4(f, s.get()))),
                  along([st(f32x4.sub(ld(a), m.get()))]),
                ]),
          ];
        case "softmax_backward":
          // a = y, b = dy: dx = y ⊙ (dy − Σ dy ⊙ y)
          return [
            s.set(v128.zero()),
            along([s.set(f32x4.add(s.get(), f32x4.mul(ld(a), ld(b))))]),
            along([st(f32x4.mul(ld(a), f32x4.sub(ld(b), s.get())))]),
          ];
        default:
          // a = y, b = dy: dx = dy − exp(y) · Σ dy
          return [
            s.set(v128.zero()),
            along([s.set(f32x4.add(s.get(), ld(b)))]),
            along([st(f32x4.sub(ld(b), f32x4.mul(expF32x4(f, ld(a)), s.get())))]),
          ];
      }
    };
    return [
      stride.set(i32.shl(p.inner.get(), 2)),
      inner4.set(i32.and(p.inner.get(), -4)),
      f.forRange(o, 0, () => p.outer.get(), 1, [
        f.forRange(q, 0, () => inner4.get(), 4, [off.set(i32.shl(i32.add(i32.mul(i32.mul(o.get(), p.len.get()), p.inner.get()), q.get()), 2)), ...column(true)]),
        f.forRange(q, inner4.get(), () => p.inner.get(), 1, [off.set(i32.shl(i32.add(i32.mul(i32.mul(o.get(), p.len.get()), p.inner.get()), q.get()), 2)), ...column(false)]),
      ]),
    ];
  });
}
