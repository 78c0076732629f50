// Packing for the Wasm matmul: copies a block of op(a) or op(b) into panels the microkernel streams
// through with unit stride.
//
// A panel is W consecutive rows of op(a) (W = 4 or 5) or columns of op(b) (W = 8) over kc steps of k, stored
// k-major: dst[(panel·kc + k)·W + lane]. Element (lane index i, step k) of the source lives at
// src + (i·sI + k·sK)·4 bytes, which covers both layouts of each operand: one of sI, sK is 1.
// - sI = 1 (lanes contiguous: a transposed, b plain): each k step is W/4 vector copies (+ W mod 4 scalars).
// - sK = 1 (k contiguous: a plain, b transposed): 4×4 blocks are loaded as four rows and transposed
//   with shuffles, so no scalar gathers; a k tail of under 4 steps (and a 5th lane) is copied lane by lane.
// A last panel with fewer than W lanes is zero-padded, so the microkernel never needs an edge case
// inside its k loop (the padding is computed and not stored).

import type { Expr, I32, Stmt } from "../expr.js";
import type { Local } from "../func.js";
import type { WasmModule } from "../module.js";

/** Shuffle masks for a 4×4 f32 transpose, in f32 lanes (0..3 first operand, 4..7 second). */
const LO = [0, 4, 1, 5];
const HI = [2, 6, 3, 7];
const FIRST = [0, 1, 4, 5];
const SECOND = [2, 3, 6, 7];

function bytesOf(lanes: readonly number[]): number[] {
  return lanes.flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);
}

export function packFunctionName(prefix: string, width: 4 | 5 | 8): string {
  return `${prefix}$pack${width}`;
}

/** pack(src, dst, i0, k0, count, kc, sI, sK): count lanes from i0, kc steps from k0. */
export function addPackFunction(mod: WasmModule, prefix: string, W: 4 | 5 | 8): void {
  const G = Math.floor(W / 4); // whole groups of 4 lanes (vector copies, transposes); lanes 4G.. are scalar
  const params = { src: "i32", dst: "i32", i0: "i32", k0: "i32", count: "i32", kc: "i32", sI: "i32", sK: "i32" } as const;
  mod.addFunction(packFunctionName(prefix, W), { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const sum = (...xs: I32[]): Expr<"i32"> => xs.slice(1).reduce<Expr<"i32">>((acc, x) => i32.add(acc, x), i32.add(xs[0]!, 0));
    const l = f.local("l", "i32"); // first lane of the panel, relative to i0
    const q = f.local("q", "i32");
    const k = f.local("k", "i32");
    const d = f.local("d", "i32");
    const s = f.local("s", "i32");
    const k4 = f.local("k4", "i32");
    const v = f.locals("v128", ["v0", "v1", "v2", "v3"]);
    const t = f.locals("v128", ["t0", "t1", "t2", "t3"]);
    const get = (x: Local<"i32">): Expr<"i32"> => x.get();

    // Byte address of source element (lane i0+l+lane, step k0+kk).
    const srcAt = (lane: I32, kk: () => I32): Expr<"i32"> =>
      sum(
        p.src.get(),
        i32.shl(
          i32.add(i32.mul(sum(p.i0.get(), l.get(), lane), p.sI.get()), i32.mul(sum(p.k0.get(), kk()), p.sK.get())),
          2,
        ),
      );
    // Byte address of packed element (lane, step kk) in the current panel (base d).
    const dstAt = (lane: I32, kk: () => I32): Expr<"i32"> => sum(d.get(), i32.shl(sum(i32.mul(kk(), W), lane), 2));

    const copyLane = (): Stmt[] => [
      f.forRange(k, 0, () => p.kc.get(), 1, [f.f32.store(dstAt(q.get(), () => k.get()), f.f32.load(srcAt(q.get(), () => k.get())))]),
    ];

    // sI = 1: lanes contiguous in the source; one k step is W/4 vector copies.
    const vectorPath: Stmt[] = [
      s.set(srcAt(0, () => 0)),
      f.forRange(k, 0, () => p.kc.get(), 1, [
        ...Array.from({ length: G }, (_, g) => f.v128.store(d.get(), f.v128.load(s.get(), g * 16, 4), g * 16)),
        ...Array.from({ length: W - 4 * G }, (_, r) => f.f32.store(d.get(), f.f32.load(s.get(), (4 * G + r) * 4), (4 * G + r) * 4)),
        f.inc(d, W * 4),
        s.set(i32.add(s.get(), i32.shl(p.sK.get(), 2))),
      ]),
    ];

    // sK = 1: k contiguous; transpose 4 lanes × 4 steps at a time.
    const transposeGroup = (g: number): Stmt[] => {
      const rowAt = (r: number): Expr<"i32"> => srcAt(g * 4 + r, () => k.get());
      const sh = (a: Local<"v128">, b: Local<"v128">, lanes: number[]): Expr<"v128"> => f.v128.shuffle(a.get(), b.get(), bytesOf(lanes));
      const [v0, v1, v2, v3] = v;
      const [t0, t1, t2, t3] = t;
      const out = (j: number, e: Expr<"v128">): Stmt => f.v128.store(dstAt(g * 4, () => i32.add(k.get(), j)), e, 0, 4);
      return [
        ...[v0, v1, v2, v3].map((x, r) => x.set(f.v128.load(rowAt(r), 0, 4))),
        t0.set(sh(v0, v1, LO)),
        t1.set(sh(v2, v3, LO)),
        t2.set(sh(v0, v1, HI)),
        t3.set(sh(v2, v3, HI)),
        out(0, sh(t0, t1, FIRST)),
        out(1, sh(t0, t1, SECOND)),
        out(2, sh(t2, t3, FIRST)),
        out(3, sh(t2, t3, SECOND)),
      ];
    };
    const transposePath: Stmt[] = [
      // k < kc - 3 ⇔ a whole block of 4 steps remains
      f.forRange(k, 0, () => i32.sub(p.kc.get(), 3), 4, Array.from({ length: G }, (_, g) => transposeGroup(g)).flat()),
      // the lanes after the groups, over the same steps; then every lane over the last kc mod 4 steps
      k4.set(i32.and(p.kc.get(), -4)),
      ...(W > 4 * G
        ? [f.forRange(q, 4 * G, W, 1, [f.forRange(k, 0, () => k4.get(), 1, [f.f32.store(dstAt(q.get(), () => k.get()), f.f32.load(srcAt(q.get(), () => k.get())))])])]
        : []),
      f.forRange(q, 0, W, 1, [
        f.forRange(k, k4.get(), () => p.kc.get(), 1, [
          f.f32.store(dstAt(q.get(), () => k.get()), f.f32.load(srcAt(q.get(), () => k.get()))),
        ]),
      ]),
    ];

    // A last panel with fewer than W lanes: copy the lanes there are, zero the rest.
    const partialPath: Stmt[] = [
      f.forRange(q, 0, W, 1, [
        f.if(
          i32.ltS(i32.add(l.get(), q.get()), p.count.get()),
          copyLane(),
          [f.forRange(k, 0, () => p.kc.get(), 1, [f.f32.store(dstAt(q.get(), () => k.get()), f.f32.const(0))])],
        ),
      ]),
    ];

    return [
      f.forRange(l, 0, () => p.count.get(), W, [
        d.set(sum(p.dst.get(), i32.shl(i32.mul(get(l), p.kc.get()), 2))),
        f.if(
          i32.geS(i32.sub(p.count.get(), l.get()), W),
          [
            f.if(
              i32.eq(p.sI.get(), 1),
              vectorPath,
              [f.if(i32.eq(p.sK.get(), 1), transposePath, [f.forRange(q, 0, W, 1, copyLane())])],
            ),
          ],
          partialPath,
        ),
      ]),
    ];
  });
}
