// im2col and col2im-add in Wasm, the same contract as runtime/kernels/im2col.ts: for one batch item and
// one channel group, col is [Cg·KH·KW × OH·OW], row (ci, ky, kx) holding for each output pixel the input
// value that tap reads (0 in the padding); col2imAdd adds col back into dx (the adjoint).
//
// Generic over the geometry (the run function passes it as constants). Per row, the range of output
// columns whose input lies inside the image is computed once, so the inner loops have no bounds tests;
// with stride 1 they move four floats per step. im2col zeroes a row first (memory.fill) when it has any
// padding, then copies the valid part.

import type { Expr, I32, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";

const GEOMETRY = {
  x: "i32", col: "i32", cg: "i32", h: "i32", w: "i32", kh: "i32", kw: "i32", oh: "i32", ow: "i32",
  sh: "i32", sw: "i32", ph: "i32", pw: "i32", dh: "i32", dw: "i32",
} as const;

/** (x, col, cg, h, w, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW): x is the group's first channel plane of the item. */
export type Im2colArgs = [x: I32, col: I32, cg: number, h: number, w: number, kh: number, kw: number, oh: number, ow: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number];

type P = { readonly [K in keyof typeof GEOMETRY]: Local<"i32"> };

/** Loops over rows (ci, ky, kx) with the valid output ranges; `row` makes the statements of one row. */
function rows(f: FunctionBuilder, p: P, row: (v: { plane: Local<"i32">; colp: Local<"i32">; tapY: Local<"i32">; tapX: Local<"i32">; oy0: Local<"i32">; oy1: Local<"i32">; ox0: Local<"i32">; ox1: Local<"i32"> }) => Stmt[]): Stmt[] {
  const { i32 } = f;
  const l = (n: string): Local<"i32"> => f.local(n, "i32");
  const [ci, ky, kx, plane, colp, tapY, tapX, oy0, oy1, ox0, ox1, t] = ["ci", "ky", "kx", "plane", "colp", "tapY", "tapX", "oy0", "oy1", "ox0", "ox1", "t"].map(l) as [
    Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
  // first o ≥ 0 with o·s − pad + tap ≥ 0: need = pad − tap; need ≤ 0 ? 0 : ceil(need / s)
  const first = (dst: Local<"i32">, pad: Local<"i32">, tap: Local<"i32">, s: Local<"i32">): Stmt[] => [
    t.set(i32.sub(pad.get(), tap.get())),
    dst.set(f.select(i32.leS(t.get(), 0), i32.const(0), i32.divS(i32.add(t.get(), i32.sub(s.get(), 1)), s.get()))),
  ];
  // one past the last o with o·s − pad + tap ≤ size − 1, clamped to [0, out]
  const end = (dst: Local<"i32">, size: Local<"i32">, pad: Local<"i32">, tap: Local<"i32">, s: Local<"i32">, out: Local<"i32">): Stmt[] => [
    t.set(i32.sub(i32.add(i32.sub(size.get(), 1), pad.get()), tap.get())),
    dst.set(f.select(i32.ltS(t.get(), 0), i32.const(0), i32.add(i32.divS(t.get(), s.get()), 1))),
    dst.set(f.select(i32.ltS(dst.get(), out.get()), dst.get(), out.get())),
  ];
  const planeBytes = (): Expr<"i32"> => i32.shl(i32.mul(p.h.get(), p.w.get()), 2);
  return [
    colp.set(p.col.get()),
    plane.set(p.x.get()),
    f.forRange(ci, 0, () => p.cg.get(), 1, [
      f.forRange(ky, 0, () => p.kh.get(), 1, [
        tapY.set(i32.mul(ky.get(), p.dh.get())),
        ...first(oy0, p.ph, tapY, p.sh),
        ...end(oy1, p.h, p.ph, tapY, p.sh, p.oh),
        f.forRange(kx, 0, () => p.kw.get(), 1, [
          tapX.set(i32.mul(kx.get(), p.dw.get())),
          ...first(ox0, p.pw, tapX, p.sw),
          ...end(ox1, p.w, p.pw, tapX, p.sw, p.ow),
          ...row({ plane, colp, tapY, tapX, oy0, oy1, ox0, ox1 }),
          colp.set(i32.add(colp.get(), i32.shl(i32.mul(p.oh.get(), p.ow.get()), 2))),
        ]),
      ]),
      plane.set(i32.add(plane.get(), planeBytes())),
    ]),
  ];
}

export function addIm2col(mod: WasmModule, name: string): void {
  mod.addFunction(name, { params: GEOMETRY, result: "none" }, (f, p) => {
    const { i32, v128 } = f;
    const [oy, j, n4, n, src, dst] = ["oy", "j", "n4", "n", "src", "dst"].map((x) => f.local(x, "i32")) as [
      Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    return rows(f, p, (v) => [
      // padding anywhere in this row: zero it first
      f.if(
        i32.or(i32.or(i32.gtS(v.oy0.get(), 0), i32.ltS(v.oy1.get(), p.oh.get())), i32.or(i32.gtS(v.ox0.get(), 0), i32.ltS(v.ox1.get(), p.ow.get()))),
        [f.fill(v.colp.get(), 0, i32.shl(i32.mul(p.oh.get(), p.ow.get()), 2))],
      ),
      n.set(i32.sub(v.ox1.get(), v.ox0.get())),
      f.if(i32.gtS(n.get(), 0), [
        n4.set(i32.and(n.get(), -4)),
        f.forRange(oy, v.oy0.get(), () => v.oy1.get(), 1, [
          dst.set(i32.add(v.colp.get(), i32.shl(i32.add(i32.mul(oy.get(), p.ow.get()), v.ox0.get()), 2))),
          // x[(oy·sh − ph + tapY)·w − pw + tapX + ox0·sw]
          src.set(i32.add(v.plane.get(), i32.shl(i32.add(
            i32.sub(i32.add(i32.mul(i32.add(i32.sub(i32.mul(oy.get(), p.sh.get()), p.ph.get()), v.tapY.get()), p.w.get()), v.tapX.get()), p.pw.get()),
            i32.mul(v.ox0.get(), p.sw.get())), 2))),
          f.if(
            i32.eq(p.sw.get(), 1),
            [
              f.forRange(j, 0, () => n4.get(), 4, [v128.store(i32.add(dst.get(), i32.shl(j.get(), 2)), v128.load(i32.add(src.get(), i32.shl(j.get(), 2)), 0, 4), 0, 4)]),
              f.forRange(j, n4.get(), () => n.get(), 1, [f.f32.store(i32.add(dst.get(), i32.shl(j.get(), 2)), f.f32.load(i32.add(src.get(), i32.shl(j.get(), 2))))]),
            ],
            [f.forRange(j, 0, () => n.get(), 1, [
              f.f32.store(i32.add(dst.get(), i32.shl(j.get(), 2)), f.f32.load(i32.add(src.get(), i32.shl(i32.mul(j.get(), p.sw.get()), 2)))),
            ])],
          ),
        ]),
      ]),
    ]);
  });
}

export function addCol2imAdd(mod: WasmModule, name: string): void {
  mod.addFunction(name, { params: GEOMETRY, result: "none" }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const [oy, j, n4, n, src, dst] = ["oy", "j", "n4", "n", "src", "dst"].map((x) => f.local(x, "i32")) as [
      Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    // here x is dx and col the source
    return rows(f, p, (v) => [
      n.set(i32.sub(v.ox1.get(), v.ox0.get())),
      f.if(i32.gtS(n.get(), 0), [
        n4.set(i32.and(n.get(), -4)),
        f.forRange(oy, v.oy0.get(), () => v.oy1.get(), 1, [
          src.set(i32.add(v.colp.get(), i32.shl(i32.add(i32.mul(oy.get(), p.ow.get()), v.ox0.get()), 2))),
          dst.set(i32.add(v.plane.get(), i32.shl(i32.add(
            i32.sub(i32.add(i32.mul(i32.add(i32.sub(i32.mul(oy.get(), p.sh.get()), p.ph.get()), v.tapY.get()), p.w.get()), v.tapX.get()), p.pw.get()),
            i32.mul(v.ox0.get(), p.sw.get())), 2))),
          f.if(
            i32.eq(p.sw.get(), 1),
            [
              f.forRange(j, 0, () => n4.get(), 4, [
                v128.store(i32.add(dst.get(), i32.shl(j.get(), 2)),
                  f32x4.add(v128.load(i32.add(dst.get(), i32.shl(j.get(), 2)), 0, 4), v128.load(i32.add(src.get(), i32.shl(j.get(), 2)), 0, 4)), 0, 4),
              ]),
              f.forRange(j, n4.get(), () => n.get(), 1, [
                f.f32.store(i32.add(dst.get(), i32.shl(j.get(), 2)),
                  f.f32.add(f.f32.load(i32.add(dst.get(), i32.shl(j.get(), 2))), f.f32.load(i32.add(src.get(), i32.shl(j.get(), 2))))),
              ]),
            ],
            [f.forRange(j, 0, () => n.get(), 1, [
              f.f32.store(i32.add(dst.get(), i32.shl(i32.mul(j.get(), p.sw.get()), 2)),
                f.f32.add(f.f32.load(i32.add(dst.get(), i32.shl(i32.mul(j.get(), p.sw.get()), 2))), f.f32.load(i32.add(src.get(), i32.shl(j.get(), 2))))),
            ])],
          ),
        ]),
      ]),
    ]);
  });
}
