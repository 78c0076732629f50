// Max pooling in Wasm, the contract of runtime/kernels/max-pool2d.ts: padding counts as −∞, argmax[i] is
// the flat element index into x of the winner of output i (the first maximum in row-major window order;
// a NaN wins and sticks), and the backward is dx = 0, then dx[argmax[i]] += dy[i].
// Scalar code: the windows are small and strided; the gain over JS is the absence of bounds checks and
// boxing, not SIMD.

import type { Local } from "../func.js";
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
