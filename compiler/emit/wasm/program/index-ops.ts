// Indexing ops in Wasm, the contracts of runtime/kernels/gather-rows.ts (gather = Embedding lookup,
// scatter_add = its gradient) and of the TS target's take_along_axis / scatter_along_axis
// (emit/ts/axis-ops.ts: cross-entropy's label pick and its backward).
//
// Each kernel returns −1, or the position of the first index outside its range. The run function then
// calls a JS thunk running the TS target's code for the same node, which throws the TS target's
// RangeError (same message): error reporting stays in one place, and the happy path never leaves Wasm.
// Rows of gather/scatter_add move four floats per step; the along-axis ops are scalar (one float per
// index).

import type { Expr, Stmt } from "../expr.js";
import type { FunctionBuilder, Local } from "../func.js";
import type { WasmModule } from "../module.js";

/** dst[j] (+)= src[j] for j < count floats (count4 = count & −4 bytes precomputed by the caller). */
function rowLoop(f: FunctionBuilder, j: Local<"i32">, src: () => Expr<"i32">, dst: () => Expr<"i32">, bytes4: Local<"i32">, bytes: Local<"i32">, add: boolean): Stmt[] {
  const { i32, v128, f32x4 } = f;
  const at = (base: () => Expr<"i32">): Expr<"i32"> => i32.add(base(), j.get());
  return [
    f.forRange(j, 0, () => bytes4.get(), 16, [
      v128.store(at(dst), add ? f32x4.add(v128.load(at(dst), 0, 4), v128.load(at(src), 0, 4)) : v128.load(at(src), 0, 4), 0, 4),
    ]),
    f.forRange(j, bytes4.get(), () => bytes.get(), 4, [
      f.f32.store(at(dst), add ? f.f32.add(f.f32.load(at(dst)), f.f32.load(at(src))) : f.f32.load(at(src))),
    ]),
  ];
}

/**
 * gather: (table, idx, out, V, D, n) → −1 | bad position; out[p, :] = table[idx[p], :].
 * scatter_add: (dOut, idx, dTable, V, D, n) → −1 | bad position; dTable[idx[p], :] += dOut[p, :]
 * (dTable zeroed by the caller).
 */
export function addRowsOp(mod: WasmModule, name: string, op: "gather" | "scatter_add"): void {
  const params = { a: "i32", idx: "i32", b: "i32", V: "i32", D: "i32", n: "i32" } as const;
  mod.addFunction(name, { params, result: "i32" }, (f, p) => {
    const { i32 } = f;
    const [q, r, j, bytes, bytes4, row, other] = f.locals("i32", ["q", "r", "j", "bytes", "bytes4", "row", "other"]);
    const scatter = op === "scatter_add";
    return [
      bytes.set(i32.shl(p.D.get(), 2)),
      bytes4.set(i32.and(bytes.get(), -16)),
      f.forRange(q, 0, () => p.n.get(), 1, [
        r.set(i32.load(i32.add(p.idx.get(), i32.shl(q.get(), 2)))),
        f.if(i32.or(i32.ltS(r.get(), 0), i32.geS(r.get(), p.V.get())), [f.return(q.get())]),
        // gather: table row r → out row q; scatter: dOut row q → dTable row r
        row.set(i32.add(scatter ? p.b.get() : p.a.get(), i32.mul(r.get(), bytes.get()))),
        other.set(i32.add(scatter ? p.a.get() : p.b.get(), i32.mul(q.get(), bytes.get()))),
        ...(scatter
          ? rowLoop(f, j, () => other.get(), () => row.get(), bytes4, bytes, true)
          : rowLoop(f, j, () => row.get(), () => other.get(), bytes4, bytes, false)),
      ]),
      i32.const(-1),
    ];
  });
}

/**
 * take_along_axis: (x, idx, y, outer, len, inner, ignore, useIgnore) → −1 | bad position;
 *   y[o, q] = x[o, idx[o, q], q], or 0 where idx = ignore (when useIgnore).
 * scatter_along_axis: (u, idx, y, …) → −1 | bad position; y[o, idx[o, q], q] += u[o, q], skipping ignored
 *   labels (y zeroed by the caller).
 */
export function addAlongAxisOp(mod: WasmModule, name: string, op: "take_along_axis" | "scatter_along_axis"): void {
  const params = { a: "i32", idx: "i32", y: "i32", outer: "i32", len: "i32", inner: "i32", ignore: "i32", useIgnore: "i32" } as const;
  mod.addFunction(name, { params, result: "i32" }, (f, p) => {
    const { i32 } = f;
    const [o, q, pos, label, wide] = f.locals("i32", ["o", "q", "pos", "label", "wide"]);
    const take = op === "take_along_axis";
    // byte address of element (o, label, q) of the [outer, len, inner] side
    const wideAt = (): Expr<"i32"> => i32.shl(i32.add(i32.mul(i32.add(i32.mul(o.get(), p.len.get()), label.get()), p.inner.get()), q.get()), 2);
    const narrowAt = (): Expr<"i32"> => i32.shl(pos.get(), 2);
    const ignored = (): Expr<"i32"> => i32.and(p.useIgnore.get(), i32.eq(label.get(), p.ignore.get()));
    const body: Stmt[] = [
      label.set(i32.load(i32.add(p.idx.get(), narrowAt()))),
      f.if(ignored(), take ? [f.f32.store(i32.add(p.y.get(), narrowAt()), f.f32.const(0))] : [], [
        f.if(i32.or(i32.ltS(label.get(), 0), i32.geS(label.get(), p.len.get())), [f.return(pos.get())]),
        wide.set(wideAt()),
        take
          ? f.f32.store(i32.add(p.y.get(), narrowAt()), f.f32.load(i32.add(p.a.get(), wide.get())))
          : f.f32.store(i32.add(p.y.get(), wide.get()), f.f32.add(f.f32.load(i32.add(p.y.get(), wide.get())), f.f32.load(i32.add(p.a.get(), narrowAt())))),
      ]),
      f.inc(pos),
    ];
    return [
      pos.set(0),
      f.forRange(o, 0, () => p.outer.get(), 1, [f.forRange(q, 0, () => p.inner.get(), 1, body)]),
      i32.const(-1),
    ];
  });
}

/**
 * argmax over the middle axis of an [outer, n, inner] view (runtime/kernels/reduce-max.ts's argmax: first
 * maximum on ties, a NaN wins and sticks; −1 when n = 0): (x, argmax, outer, n, inner).
 */
export function addArgmax(mod: WasmModule, name: string): void {
  const params = { x: "i32", y: "i32", outer: "i32", n: "i32", inner: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const [o, i, k, at, src, out, stride] = f.locals("i32", ["o", "i", "k", "at", "src", "out", "stride"]);
    const [best, v] = f.locals("f32", ["best", "v"]);
    return [
      stride.set(i32.shl(p.inner.get(), 2)),
      out.set(p.y.get()),
      f.forRange(o, 0, () => p.outer.get(), 1, [
        f.forRange(i, 0, () => p.inner.get(), 1, [
          src.set(i32.add(p.x.get(), i32.shl(i32.add(i32.mul(i32.mul(o.get(), p.n.get()), p.inner.get()), i.get()), 2))),
          at.set(f.select(i32.gtS(p.n.get(), 0), i32.const(0), i32.const(-1))),
          f.if(i32.gtS(p.n.get(), 0), [best.set(f.f32.load(src.get()))]),
          f.forRange(k, 1, () => p.n.get(), 1, [
            src.set(i32.add(src.get(), stride.get())),
            v.set(f.f32.load(src.get())),
            f.if(i32.or(f.f32.gt(v.get(), best.get()), i32.and(i32.eqz(f.f32.eq(v.get(), v.get())), f.f32.eq(best.get(), best.get()))), [
              best.set(v.get()),
              at.set(k.get()),
            ]),
          ]),
          i32.store(out.get(), at.get()),
          f.inc(out, 4),
        ]),
      ]),
    ];
  });
}

/** equal of two same-shaped tensors → f32 1/0: (a, b, y, count); i32 compares bits, f32 as floats (NaN ≠ NaN). */
export function addEqual(mod: WasmModule, name: string, dtype: "f32" | "i32"): void {
  const params = { a: "i32", b: "i32", y: "i32", count: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const j = f.local("j", "i32");
    const at = (base: Local<"i32">): Expr<"i32"> => i32.add(base.get(), i32.shl(j.get(), 2));
    const same = (): Expr<"i32"> => (dtype === "i32" ? i32.eq(i32.load(at(p.a)), i32.load(at(p.b))) : f.f32.eq(f.f32.load(at(p.a)), f.f32.load(at(p.b))));
    return [f.forRange(j, 0, () => p.count.get(), 1, [f.f32.store(at(p.y), f.select(same(), f.f32.const(1), f.f32.const(0)))])];
  });
}
