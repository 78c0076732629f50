// Max pooling in Wasm, the contract of runtime/kernels/max-pool2d.ts: padding counts as −∞, argmax[i] is
// the flat element index into x of the winner of output i (the first maximum in row-major window order;
// a NaN wins and sticks), and the backward is dx = 0, then dx[argmax[i]] += dy[i].
// Scalar code: the windows are small and strided; the gain over JS is the absence of bounds checks and
// boxing, not SIMD.

import type { Expr, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";

const PARAMS = {
  x: "i32", y: "i32", argmax: "i32", planes: "i32", h: "i32", w: "i32", kh: "i32", kw: "i32", oh: "i32", ow: "i32",
  sh: "i32", sw: "i32", ph: "i32", pw: "i32",
} as const;

/** (x, y, argmax, planes = N·C, h, w, kh, kw, oh, ow, strideH, strideW, padH, padW) */
export function addMaxPool(mod: WasmModule, name: string): void {
  mod.addFunction(name, { params: PARAMS, result: "none" }, (f, p) => {
    const { i32 } = f;
    const l = (n: string): Local<"i32"> => f.local(n, "i32");
    const [pl, oy, ox, y0, ya, yb, x0, xa, xb, iy, ix, at, row, base, out] = ["pl", "oy", "ox", "y0", "ya", "yb", "x0", "xa", "xb", "iy", "ix", "at", "row", "base", "out"].map(l) as Local<"i32">[] as [
      Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">, Local<"i32">];
    const best = f.local("best", "f32");
    const v = f.local("v", "f32");
    const max0 = (x: Local<"i32">) => f.select(i32.ltS(x.get(), 0), i32.const(0), x.get());
    return [
      out.set(0),
      f.forRange(pl, 0, () => p.planes.get(), 1, [
        base.set(i32.mul(pl.get(), i32.mul(p.h.get(), p.w.get()))),
        f.forRange(oy, 0, () => p.oh.get(), 1, [
          y0.set(i32.sub(i32.mul(oy.get(), p.sh.get()), p.ph.get())),
          ya.set(max0(y0)),
          yb.set(i32.add(y0.get(), p.kh.get())),
          yb.set(f.select(i32.ltS(yb.get(), p.h.get()), yb.get(), p.h.get())),
          f.forRange(ox, 0, () => p.ow.get(), 1, [
            x0.set(i32.sub(i32.mul(ox.get(), p.sw.get()), p.pw.get())),
            xa.set(max0(x0)),
            xb.set(i32.add(x0.get(), p.kw.get())),
            xb.set(f.select(i32.ltS(xb.get(), p.w.get()), xb.get(), p.w.get())),
            best.set(f.f32.const(-Infinity)),
            at.set(-1),
            f.forRange(iy, ya.get(), () => yb.get(), 1, [
              row.set(i32.add(base.get(), i32.mul(iy.get(), p.w.get()))),
              f.forRange(ix, xa.get(), () => xb.get(), 1, [
                v.set(f.f32.load(i32.add(p.x.get(), i32.shl(i32.add(row.get(), ix.get()), 2)))),
                f.if(
                  i32.or(
                    i32.or(i32.ltS(at.get(), 0), f.f32.gt(v.get(), best.get())),
                    i32.and(i32.eqz(f.f32.eq(v.get(), v.get())), f.f32.eq(best.get(), best.get())),
                  ),
                  [best.set(v.get()), at.set(i32.add(row.get(), ix.get()))],
                ),
              ]),
            ]),
            f.f32.store(i32.add(p.y.get(), i32.shl(out.get(), 2)), best.get()),
            i32.store(i32.add(p.argmax.get(), i32.shl(out.get(), 2)), at.get()),
            f.inc(out),
          ]),
        ]),
      ]),
    ];
  });
}

/** (dy, argmax, dx, count = N·C·OH·OW, xBytes = N·C·H·W·4) */
export function addMaxPoolBackward(mod: WasmModule, name: string): void {
  const params = { dy: "i32", argmax: "i32", dx: "i32", count: "i32", xBytes: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const i = f.local("i", "i32");
    const at = f.local("at", "i32");
    const d = f.local("d", "i32");
    return [
      f.fill(p.dx.get(), 0, p.xBytes.get()),
      f.forRange(i, 0, () => p.count.get(), 1, [
        at.set(i32.load(i32.add(p.argmax.get(), i32.shl(i.get(), 2)))),
        f.if(i32.geS(at.get(), 0), [
          d.set(i32.add(p.dx.get(), i32.shl(at.get(), 2))),
          f.f32.store(d.get(), f.f32.add(f.f32.load(d.get()), f.f32.load(i32.add(p.dy.get(), i32.shl(i.get(), 2))))),
        ]),
      ]),
    ];
  });
}

const EVEN = [0, 2, 4, 6].flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);
const ODD = [1, 3, 5, 7].flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);

/**
 * The common 2×2 window, stride 2, no padding, in SIMD: four outputs per step from two 8-float loads of
 * each input row, deinterleaved into the window's four taps (a b / c d, row-major). The winner rule is the
 * reference's: a tap replaces the best so far when it is greater, or a NaN over a non-NaN.
 * With `argmax` false the argmax is not written (a step without the backward op: predict, evaluate), and
 * the value is a pmax chain (first maximum, so −0/+0 ties resolve as in the reference) with any NaN
 * forced through. (x, y, argmax, planes = N·C, h, w, oh, ow): oh = ⌊h/2⌋, ow = ⌊w/2⌋.
 */
export function addMaxPool2x2(mod: WasmModule, name: string, argmax: boolean): void {
  const params = { x: "i32", y: "i32", argmax: "i32", planes: "i32", h: "i32", w: "i32", oh: "i32", ow: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128, f32x4, i32x4 } = f;
    const [pl, oy, ox, ow4, r0, r1, out, am, base] = f.locals("i32", ["pl", "oy", "ox", "ow4", "r0", "r1", "out", "am", "base"]);
    const [a, b, c, d, best, at, take, v0, v1, lanes] = f.locals("v128", ["a", "b", "c", "d", "best", "at", "take", "v0", "v1", "lanes"]);
    const [sb, sv] = f.locals("f32", ["sb", "sv"]);
    const sat = f.local("sat", "i32");
    const wb = (): Expr<"i32"> => i32.shl(p.w.get(), 2);
    const deinterleave = (row: Local<"i32">, even: Local<"v128">, odd: Local<"v128">): Stmt[] => [
      v0.set(v128.load(i32.add(row.get(), i32.shl(ox.get(), 3)), 0, 4)),
      v1.set(v128.load(i32.add(row.get(), i32.shl(ox.get(), 3)), 16, 4)),
      even.set(v128.shuffle(v0.get(), v1.get(), EVEN)),
      odd.set(v128.shuffle(v0.get(), v1.get(), ODD)),
    ];
    // take = best < v | (v ≠ v & best = best)
    const wins = (v: Local<"v128">): Expr<"v128"> =>
      v128.or(f32x4.lt(best.get(), v.get()), v128.andnot(f32x4.eq(best.get(), best.get()), f32x4.eq(v.get(), v.get())));
    const vectorBody: Stmt[] = argmax
      ? [
          // flat index of tap a of the four windows: base + 2·ox + (0, 2, 4, 6)
          at.set(i32x4.add(i32x4.splat(i32.add(base.get(), i32.shl(ox.get(), 1))), lanes.get())),
          best.set(a.get()),
          ...([[b, 1], [c, 0], [d, 1]] as const).flatMap(([v, off], k) => [
            take.set(wins(v)),
            best.set(v128.bitselect(v.get(), best.get(), take.get())),
            v0.set(i32x4.add(i32x4.splat(i32.add(base.get(), i32.add(i32.shl(ox.get(), 1), k === 0 ? off : i32.add(p.w.get(), off)))), lanes.get())),
            at.set(v128.bitselect(v0.get(), at.get(), take.get())),
          ]),
          v128.store(i32.add(out.get(), i32.shl(ox.get(), 2)), best.get(), 0, 4),
          v128.store(i32.add(am.get(), i32.shl(ox.get(), 2)), at.get(), 0, 4),
        ]
      : [
          best.set(f32x4.pmax(f32x4.pmax(f32x4.pmax(a.get(), b.get()), c.get()), d.get())),
          v0.set(f32x4.max(f32x4.max(a.get(), b.get()), f32x4.max(c.get(), d.get()))),
          v128.store(i32.add(out.get(), i32.shl(ox.get(), 2)), v128.bitselect(v0.get(), best.get(), f32x4.ne(v0.get(), v0.get())), 0, 4),
        ];
    // the last ow mod 4 windows of a row, one at a time, by the same rule
    const tap = (dy: number, dx: number): Stmt[] => {
      const addr = (): Expr<"i32"> => i32.add(dy === 0 ? r0.get() : r1.get(), i32.shl(i32.add(i32.shl(ox.get(), 1), dx), 2));
      if (dy === 0 && dx === 0) return [sb.set(f.f32.load(addr())), sat.set(i32.add(base.get(), i32.shl(ox.get(), 1)))];
      return [
        sv.set(f.f32.load(addr())),
        f.if(i32.or(f.f32.lt(sb.get(), sv.get()), i32.and(i32.eqz(f.f32.eq(sv.get(), sv.get())), f.f32.eq(sb.get(), sb.get()))), [
          sb.set(sv.get()),
          sat.set(i32.add(i32.add(base.get(), i32.shl(ox.get(), 1)), dy === 0 ? dx : i32.add(p.w.get(), dx))),
        ]),
      ];
    };
    const scalarBody: Stmt[] = [
      ...tap(0, 0), ...tap(0, 1), ...tap(1, 0), ...tap(1, 1),
      f.f32.store(i32.add(out.get(), i32.shl(ox.get(), 2)), sb.get()),
      ...(argmax ? [i32.store(i32.add(am.get(), i32.shl(ox.get(), 2)), sat.get())] : []),
    ];
    return [
      ...(argmax ? [lanes.set(evenLanes(f))] : []),
      ow4.set(i32.and(p.ow.get(), -4)),
      out.set(p.y.get()),
      am.set(p.argmax.get()),
      f.forRange(pl, 0, () => p.planes.get(), 1, [
        f.forRange(oy, 0, () => p.oh.get(), 1, [
          // base: flat index of the window row's first element
          base.set(i32.add(i32.mul(pl.get(), i32.mul(p.h.get(), p.w.get())), i32.shl(i32.mul(oy.get(), p.w.get()), 1))),
          r0.set(i32.add(p.x.get(), i32.shl(base.get(), 2))),
          r1.set(i32.add(r0.get(), wb())),
          f.forRange(ox, 0, () => ow4.get(), 4, [...deinterleave(r0, a, b), ...deinterleave(r1, c, d), ...vectorBody]),
          f.forRange(ox, ow4.get(), () => p.ow.get(), 1, scalarBody),
          out.set(i32.add(out.get(), i32.shl(p.ow.get(), 2))),
          am.set(i32.add(am.get(), i32.shl(p.ow.get(), 2))),
        ]),
      ]),
    ];
  });
}

/** i32 lanes (0, 2, 4, 6): the ops wrapper has no v128 constant but zero, so it is built from splats. */
function evenLanes(f: FunctionBuilder): Expr<"v128"> {
  const b = (lanes: number[]): number[] => lanes.flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);
  const pair = (): Expr<"v128"> => f.v128.shuffle(f.i32x4.splat(0), f.i32x4.splat(2), b([0, 4, 0, 4]));
  return f.v128.shuffle(pair(), f.i32x4.add(pair(), f.i32x4.splat(4)), b([0, 1, 4, 5]));
}
