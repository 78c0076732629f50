// Spatial ops in Wasm: average pooling and its backward (runtime/kernels/avg-pool2d.ts: count_include_pad,
// so the divisor is always kh·kw), nearest upsampling by an integer factor and its backward
// (runtime/kernels/upsample-nearest2d.ts), and the placement behind `pad` (a contiguous input written
// into a zeroed, larger output row by row).
//
// Pool sums are f32 here where the runtime sums in float64: the targets agree up to rounding. Upsampling
// and pad move bits, so they are exact.

import type { Expr } from "../expr.js";
import type { WasmModule } from "../module.js";

const POOL = {
  x: "i32", y: "i32", planes: "i32", h: "i32", w: "i32", kh: "i32", kw: "i32", oh: "i32", ow: "i32",
  sh: "i32", sw: "i32", ph: "i32", pw: "i32",
} as const;

/**
 * avg_pool2d: (x, y, planes, h, w, kh, kw, oh, ow, sh, sw, ph, pw); avg_pool2d_backward: the same with
 * x = dy (the pooled gradient) and y = dx (zeroed here, then each dy/(kh·kw) spread over its window).
 */
export function addAvgPool(mod: WasmModule, name: string, backward: boolean): void {
  mod.addFunction(name, { params: POOL, result: "none" }, (f, p) => {
    const { i32 } = f;
    const [pl, oy, ox, y0, ya, yb, x0, xa, xb, iy, ix, at, base, out] = f.locals("i32", ["pl", "oy", "ox", "y0", "ya", "yb", "x0", "xa", "xb", "iy", "ix", "at", "base", "out"]);
    const [inv, s] = f.locals("f32", ["inv", "s"]);
    const max0 = (v: Expr<"i32">): Expr<"i32"> => f.select(i32.ltS(y0.get(), 0), i32.const(0), v);
    // the pooled side (y forward, dy backward) walks contiguously; `big` is the h×w side
    const small = backward ? p.x : p.y;
    const big = backward ? p.y : p.x;
    const cell = (): Expr<"i32"> => i32.add(big.get(), i32.shl(at.get(), 2));
    return [
      inv.set(f.f32.div(f.f32.const(1), f.f32.fromI32(i32.mul(p.kh.get(), p.kw.get())))),
      ...(backward ? [f.fill(big.get(), 0, i32.shl(i32.mul(p.planes.get(), i32.mul(p.h.get(), p.w.get())), 2))] : []),
      out.set(small.get()),
      f.forRange(pl, 0, () => p.planes.get(), 1, [
        base.set(i32.mul(pl.get(), i32.mul(p.h.get(), p.w.get()))),
        f.forRange(oy, 0, () => p.oh.get(), 1, [
          y0.set(i32.sub(i32.mul(oy.get(), p.sh.get()), p.ph.get())),
          ya.set(max0(y0.get())),
          yb.set(i32.add(y0.get(), p.kh.get())),
          yb.set(f.select(i32.ltS(yb.get(), p.h.get()), yb.get(), p.h.get())),
          f.forRange(ox, 0, () => p.ow.get(), 1, [
            x0.set(i32.sub(i32.mul(ox.get(), p.sw.get()), p.pw.get())),
            xa.set(f.select(i32.ltS(x0.get(), 0), i32.const(0), x0.get())),
            xb.set(i32.add(x0.get(), p.kw.get())),
            xb.set(f.select(i32.ltS(xb.get(), p.w.get()), xb.get(), p.w.get())),
            s.set(backward ? f.f32.mul(f.f32.load(out.get()), inv.get()) : f.f32.const(0)),
            f.forRange(iy, ya.get(), () => yb.get(), 1, [
              f.forRange(ix, xa.get(), () => xb.get(), 1, [
                at.set(i32.add(base.get(), i32.add(i32.mul(iy.get(), p.w.get()), ix.get()))),
                backward
                  ? f.f32.store(cell(), f.f32.add(f.f32.load(cell()), s.get()))
                  : s.set(f.f32.add(s.get(), f.f32.load(cell()))),
              ]),
            ]),
            ...(backward ? [] : [f.f32.store(out.get(), f.f32.mul(s.get(), inv.get()))]),
            f.inc(out, 4),
          ]),
        ]),
      ]),
    ];
  });
}

/**
 * upsample_nearest2d: (x, y, planes, h, w, factor): each input value fills a factor×factor block.
 * upsample_nearest2d_backward: (dy, dx, planes, h, w, factor): dx = the sum of each block of dy.
 */
export function addUpsample(mod: WasmModule, name: string, backward: boolean): void {
  const params = { a: "i32", b: "i32", planes: "i32", h: "i32", w: "i32", factor: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const [row, ix, r, k, small, bigRow, owb, cell] = f.locals("i32", ["row", "ix", "r", "k", "small", "bigRow", "owb", "cell"]);
    const v = f.local("v", "f32");
    const rows = (): Expr<"i32"> => i32.mul(p.planes.get(), p.h.get());
    // block (row, ix): big-side rows row·factor + r, columns ix·factor + k
    const blockCell = (): Expr<"i32"> => i32.add(bigRow.get(), i32.add(i32.mul(r.get(), owb.get()), i32.shl(i32.add(i32.mul(ix.get(), p.factor.get()), k.get()), 2)));
    return [
      owb.set(i32.shl(i32.mul(p.w.get(), p.factor.get()), 2)),
      small.set(backward ? p.b.get() : p.a.get()),
      bigRow.set(backward ? p.a.get() : p.b.get()),
      f.forRange(row, 0, rows, 1, [
        f.forRange(ix, 0, () => p.w.get(), 1, [
          ...(backward
            ? [
                v.set(f.f32.const(0)),
                f.forRange(r, 0, () => p.factor.get(), 1, [
                  f.forRange(k, 0, () => p.factor.get(), 1, [v.set(f.f32.add(v.get(), f.f32.load(blockCell())))]),
                ]),
                f.f32.store(small.get(), v.get()),
              ]
            : [
                v.set(f.f32.load(small.get())),
                f.forRange(r, 0, () => p.factor.get(), 1, [
                  f.forRange(k, 0, () => p.factor.get(), 1, [cell.set(blockCell()), f.f32.store(cell.get(), v.get())]),
                ]),
              ]),
          f.inc(small, 4),
        ]),
        bigRow.set(i32.add(bigRow.get(), i32.mul(owb.get(), p.factor.get()))),
      ]),
    ];
  });
}

/**
 * pad's placement: (x, y, n0, n1, n2, rowBytes, s0, s1, s2): for each (i0, i1, i2) < (n0, n1, n2), the
 * next rowBytes of the contiguous x go to y + i0·s0 + i1·s1 + i2·s2 (y points at the first placed
 * element; the caller zeroed the output). A bit copy: f32 and i32 alike; rowBytes a multiple of 4.
 */
export function addPlace(mod: WasmModule, name: string): void {
  const params = { x: "i32", y: "i32", n0: "i32", n1: "i32", n2: "i32", rowBytes: "i32", s0: "i32", s1: "i32", s2: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128 } = f;
    const [i0, i1, i2, j, end, src, a0, a1, dst] = f.locals("i32", ["i0", "i1", "i2", "j", "end", "src", "a0", "a1", "dst"]);
    return [
      end.set(i32.and(p.rowBytes.get(), -16)),
      src.set(p.x.get()),
      a0.set(p.y.get()),
      f.forRange(i0, 0, () => p.n0.get(), 1, [
        a1.set(a0.get()),
        f.forRange(i1, 0, () => p.n1.get(), 1, [
          dst.set(a1.get()),
          f.forRange(i2, 0, () => p.n2.get(), 1, [
            f.forRange(j, 0, () => end.get(), 16, [v128.store(i32.add(dst.get(), j.get()), v128.load(i32.add(src.get(), j.get()), 0, 4), 0, 4)]),
            f.forRange(j, end.get(), () => p.rowBytes.get(), 4, [i32.store(i32.add(dst.get(), j.get()), i32.load(i32.add(src.get(), j.get())))]),
            src.set(i32.add(src.get(), p.rowBytes.get())),
            dst.set(i32.add(dst.get(), p.s2.get())),
          ]),
          a1.set(i32.add(a1.get(), p.s1.get())),
        ]),
        a0.set(i32.add(a0.get(), p.s0.get())),
      ]),
    ];
  });
}

/**
 * The placement of pad for a contiguous `shape` padded by `pads`: the rows it copies (everything after
 * the last padded axis is one row), up to three outer dims with y's byte strides, and y's byte offset of
 * the first placed element. Null with more than three outer dims (the op then runs as a JS thunk).
 */
export function padPlan(shape: readonly number[], pads: readonly (readonly [number, number])[]): { dims: [number, number, number]; strides: [number, number, number]; rowBytes: number; offset: number } | null {
  const out = shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  let last = -1;
  pads.forEach((pp, i) => { if (pp[0] !== 0 || pp[1] !== 0) last = i; });
  const yStride = (a: number): number => 4 * out.slice(a + 1).reduce((p, d) => p * d, 1);
  const offset = pads.reduce((acc, pp, a) => acc + pp[0] * yStride(a), 0);
  if (last < 0) return { dims: [1, 1, 1], strides: [0, 0, 0], rowBytes: 4 * shape.reduce((p, d) => p * d, 1), offset: 0 };
  const rowBytes = 4 * shape.slice(last).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, last).map((d, a) => ({ d, s: yStride(a) })).filter((o) => o.d !== 1);
  if (outer.length > 3) return null;
  while (outer.length < 3) outer.unshift({ d: 1, s: 0 });
  return { dims: [outer[0]!.d, outer[1]!.d, outer[2]!.d], strides: [outer[0]!.s, outer[1]!.s, outer[2]!.s], rowBytes, offset };
}
