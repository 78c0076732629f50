// Row and column reductions of a row-major f32 matrix x[rows×cols] with f32x4: sum and max.
//
// Generated function: name(x, out, rows, cols, accumulate), byte offsets.
// - axis 0 (over rows → out[cols]), e.g. a bias gradient: 16 columns at a time in four vector
//   accumulators walking down the rows; then 4 columns at a time; then one by one. Each column is
//   summed in row order, in f32, exactly as a sequential float32 loop would.
// - axis 1 (over cols → out[rows]), e.g. a softmax denominator: per row, four vector accumulators
//   over 16 columns at a time, one over 4 at a time, combined pairwise, then the remaining columns.
//   The order of the sum differs from a sequential loop (rounding differs by a few ulp).
// With `accumulate`, out = out ⊕ result (⊕ = + or max); otherwise out = result. An empty reduction
// gives the identity (0, or -Infinity for max). max propagates NaN, like Math.max.

import type { Expr, Stmt } from "../expr.js";
import type { WasmModule } from "../module.js";

export type ReduceOp = "sum" | "max";

export interface ReduceSpec {
  name: string;
  op: ReduceOp;
  /** 0: reduce over rows (out has cols entries); 1: over columns (out has rows entries). */
  axis: 0 | 1;
}

/** (x, out, rows, cols, accumulate) */
export type ReduceFn = (x: number, out: number, rows: number, cols: number, accumulate: number) => void;

export function addReduce(mod: WasmModule, spec: ReduceSpec): void {
  const params = { x: "i32", out: "i32", rows: "i32", cols: "i32", accumulate: "i32" } as const;
  mod.addFunction(spec.name, { params, result: "none", export: true }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const identity = spec.op === "sum" ? 0 : -Infinity;
    const vop = (a: Expr<"v128">, b: Expr<"v128">): Expr<"v128"> => (spec.op === "sum" ? f32x4.add(a, b) : f32x4.max(a, b));
    const sop = (a: Expr<"f32">, b: Expr<"f32">): Expr<"f32"> => (spec.op === "sum" ? f.f32.add(a, b) : f.f32.max(a, b));
    const acc = f.locals("v128", ["acc0", "acc1", "acc2", "acc3"]);
    const s = f.local("s", "f32");
    const i = f.local("i", "i32");
    const j = f.local("j", "i32");
    const ptr = f.local("ptr", "i32");
    const ld = f.local("ld", "i32"); // row stride in bytes
    const end = f.local("end", "i32");
    const vident = (): Expr<"v128"> => f32x4.splat(f.f32.const(identity));
    // out[at] = result, or out[at] ⊕ result when accumulating
    const finishScalar = (at: () => Expr<"i32">, result: () => Expr<"f32">): Stmt => {
      return f.if(p.accumulate.get(), [f.f32.store(at(), sop(f.f32.load(at()), result()))], [f.f32.store(at(), result())]);
    };
    const finishVector = (at: () => Expr<"i32">, offset: number, result: () => Expr<"v128">): Stmt =>
      f.if(
        p.accumulate.get(),
        [v128.store(at(), vop(v128.load(at(), offset, 4), result()), offset, 4)],
        [v128.store(at(), result(), offset, 4)],
      );

    if (spec.axis === 0) {
      // columns [j, j + width) down all rows; ptr walks the rows
      const columns = (width: 16 | 4): Stmt[] => {
        const vs = acc.slice(0, width / 4);
        return [
          ...vs.map((a) => a.set(vident())),
          ptr.set(i32.add(p.x.get(), j.get())),
          f.forRange(i, 0, () => p.rows.get(), 1, [
            ...vs.map((a, n) => a.set(vop(a.get(), v128.load(ptr.get(), n * 16, 4)))),
            ptr.set(i32.add(ptr.get(), ld.get())),
          ]),
          ...vs.map((a, n) => finishVector(() => i32.add(p.out.get(), j.get()), n * 16, () => a.get())),
        ];
      };
      return [
        ld.set(i32.shl(p.cols.get(), 2)),
        end.set(i32.and(ld.get(), -64)),
        f.forRange(j, 0, () => end.get(), 64, columns(16)),
        end.set(i32.and(ld.get(), -16)),
        f.forRange(j, j.get(), () => end.get(), 16, columns(4)),
        f.forRange(j, j.get(), () => ld.get(), 4, [
          s.set(f.f32.const(identity)),
          ptr.set(i32.add(p.x.get(), j.get())),
          f.forRange(i, 0, () => p.rows.get(), 1, [
            s.set(sop(s.get(), f.f32.load(ptr.get()))),
            ptr.set(i32.add(ptr.get(), ld.get())),
          ]),
          finishScalar(() => i32.add(p.out.get(), j.get()), () => s.get()),
        ]),
      ];
    }

    // axis 1: per row i, ptr = start of the row, j = byte offset within it
    const [a0, a1, a2, a3] = acc;
    const lane = (n: number): Expr<"f32"> => f32x4.extractLane(a0.get(), n);
    return [
      ld.set(i32.shl(p.cols.get(), 2)),
      f.forRange(i, 0, () => p.rows.get(), 1, [
        ptr.set(i32.add(p.x.get(), i32.mul(i.get(), ld.get()))),
        ...acc.map((a) => a.set(vident())),
        end.set(i32.and(ld.get(), -64)),
        f.forRange(j, 0, () => end.get(), 64, [
          ...acc.map((a, n) => a.set(vop(a.get(), v128.load(i32.add(ptr.get(), j.get()), n * 16, 4)))),
        ]),
        end.set(i32.and(ld.get(), -16)),
        f.forRange(j, j.get(), () => end.get(), 16, [a0.set(vop(a0.get(), v128.load(i32.add(ptr.get(), j.get()), 0, 4)))]),
        a0.set(vop(vop(a0.get(), a1.get()), vop(a2.get(), a3.get()))),
        s.set(sop(sop(lane(0), lane(1)), sop(lane(2), lane(3)))),
        f.forRange(j, j.get(), () => ld.get(), 4, [s.set(sop(s.get(), f.f32.load(i32.add(ptr.get(), j.get()))))]),
        finishScalar(() => i32.add(p.out.get(), i32.shl(i.get(), 2)), () => s.get()),
      ]),
    ];
  });
}
