// Winograd F(2×2, 3×3) convolution (Lavin & Gray 2015) for 3×3, stride-1, undilated, ungrouped conv2d:
// each 2×2 block of outputs ("tile") costs 16 multiplications per (input, output) channel pair instead of
// 36, as 16 independent GEMMs on the SIMD matmul:
//   U[ξ] (O×C)  = G g Gᵀ          per filter, ξ = 4i + j over the 4×4 transformed tile
//   V[ξ] (C×T)  = Bᵀ d B          per input tile d (4×4, overlapping by 2) and channel
//   M[ξ] (O×T)  = U[ξ] · V[ξ]     16 matmuls (matmul_batch)
//   y tile      = Aᵀ m A          per output channel and tile (2×2)
// with Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
// Aᵀ = [1 1 1 0; 0 1 −1 −1]. The run function goes through the batch a few images at a time ("chunk"),
// so V and M stay small enough to live in cache between the transform that writes them and the one
// that reads them.
//
// Layouts (all f32): the chunk's input is first copied into zero-padded planes xp[img][c][Hp][Wp]
// (Hp = 2·TH + 2, Wp = 2·⌈TW/4⌉·4 + 2: every tile, and every 4-tile vector group, reads inside its
// plane with no bounds tests). Tiles are numbered t = img·TH·TW + ty·TW + tx; rows of V and M hold
// Ts ≥ T + 3 tiles so that a group of four tiles at the end of a tile row may spill its extra lanes into
// the next row's tiles (written after it) or into the padding.
// The transforms are SIMD over four horizontally adjacent tiles: the input side loads 4 + 4 floats at two
// offsets of each input row and deinterleaves even/odd columns; the output side interleaves the two
// output columns back and stores 8 floats per output row (scalar stores for partial groups).

import type { Expr, Stmt } from "../expr.js";
import type { WasmModule } from "../module.js";

const bytesOf = (lanes: readonly number[]): number[] => lanes.flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);
const EVEN = bytesOf([0, 2, 4, 6]);
const ODD = bytesOf([1, 3, 5, 7]);
const LO = bytesOf([0, 4, 1, 5]);
const HI = bytesOf([2, 6, 3, 7]);

/** Sizes of one Winograd conv layer; `chunk` images per pass. */
export interface WinogradGeometry {
  n: number; c: number; h: number; w: number; o: number; pad: [number, number];
  oh: number; ow: number; th: number; tw: number; hp: number; wp: number; chunk: number;
}

export function winogradGeometry(n: number, c: number, h: number, w: number, o: number, pad: [number, number], chunk: number): WinogradGeometry {
  const oh = h + 2 * pad[0] - 2;
  const ow = w + 2 * pad[1] - 2;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  return { n, c, h, w, o, pad, oh, ow, th, tw, hp: 2 * th + 2, wp: 2 * Math.ceil(tw / 4) * 4 + 2, chunk: Math.max(1, Math.min(chunk, n)) };
}

/** Tiles per row of V and M for k images: room for a group's spill, and a multiple of 8 (whole matmul panels). */
export function tileStride(g: WinogradGeometry, k: number): number {
  return Math.ceil((k * g.th * g.tw + 3) / 8) * 8;
}

/** Byte sizes of the scratch regions (U, the padded input, V, M) for chunks of g.chunk images. */
export function winogradScratch(g: WinogradGeometry): { u: number; xp: number; v: number; m: number } {
  const ts = tileStride(g, g.chunk);
  return { u: 16 * g.o * g.c * 4, xp: g.chunk * g.c * g.hp * g.wp * 4, v: 16 * g.c * ts * 4, m: 16 * g.o * ts * 4 };
}

/**
 * (w, u, O, C): u[ξ][o][c] = (G w[o][c] Gᵀ)[ξ]. Scalar: once per call, O·C small filters.
 * `flip` (dx of a conv, a conv with the filters rotated by 180° and the channel axes swapped):
 * u[ξ][c][o] = (G rot180(w[o][c]) Gᵀ)[ξ].
 */
export function addWinogradWeights(mod: WasmModule, name: string, flip = false): void {
  const params = { w: "i32", u: "i32", O: "i32", C: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const [o, c, src, dst, plane] = f.locals("i32", ["o", "c", "src", "dst", "plane"]);
    const g = f.locals("f32", ["g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"]);
    // Gg: 4 rows × 3 columns
    const r = f.locals("f32", ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"]);
    const half = (e: Expr<"f32">): Expr<"f32"> => f.f32.mul(e, f.f32.const(0.5));
    // [a, (a+b+c)/2, (a−b+c)/2, c] of three values
    const gRow = (a: () => Expr<"f32">, b: () => Expr<"f32">, cc: () => Expr<"f32">): Expr<"f32">[] => [
      a(), half(f.f32.add(f.f32.add(a(), b()), cc())), half(f.f32.add(f.f32.sub(a(), b()), cc())), cc(),
    ];
    const body: Stmt[] = [
      ...g.map((x, k) => x.set(f.f32.load(src.get(), (flip ? 8 - k : k) * 4))),
      // column k of Gg from column k of g (rows g[k], g[3+k], g[6+k])
      ...[0, 1, 2].flatMap((k) => gRow(() => g[k]!.get(), () => g[3 + k]!.get(), () => g[6 + k]!.get()).map((e, i) => r[i * 3 + k]!.set(e))),
      // row i of (Gg)Gᵀ from row i of Gg
      ...[0, 1, 2, 3].flatMap((i) => gRow(() => r[i * 3]!.get(), () => r[i * 3 + 1]!.get(), () => r[i * 3 + 2]!.get())
        .map((e, j) => f.f32.store(i32.add(dst.get(), i32.mul(plane.get(), 4 * i + j)), e))),
      src.set(i32.add(src.get(), 36)),
      f.inc(dst, flip ? i32.shl(p.O.get(), 2) : 4),
    ];
    return [
      plane.set(i32.shl(i32.mul(p.O.get(), p.C.get()), 2)),
      src.set(p.w.get()),
      f.forRange(o, 0, () => p.O.get(), 1, [
        dst.set(i32.add(p.u.get(), i32.shl(flip ? o.get() : i32.mul(o.get(), p.C.get()), 2))),
        f.forRange(c, 0, () => p.C.get(), 1, body),
      ]),
    ];
  });
}

/**
 * (x, xp, planes, H, W, Hp, Wp, padH, padW): copies each H×W plane of x into the interior of a
 * zero-padded Hp×Wp plane of xp (the padding itself is zeroed once per call by the caller).
 */
export function addPadPlanes(mod: WasmModule, name: string): void {
  const params = { x: "i32", xp: "i32", planes: "i32", H: "i32", W: "i32", Hp: "i32", Wp: "i32", padH: "i32", padW: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128 } = f;
    const [pl, r, j, w4, src, dst, rowDst] = f.locals("i32", ["pl", "r", "j", "w4", "src", "dst", "rowDst"]);
    return [
      w4.set(i32.shl(i32.and(p.W.get(), -4), 2)),
      src.set(p.x.get()),
      dst.set(i32.add(p.xp.get(), i32.shl(i32.add(i32.mul(p.padH.get(), p.Wp.get()), p.padW.get()), 2))),
      f.forRange(pl, 0, () => p.planes.get(), 1, [
        rowDst.set(dst.get()),
        f.forRange(r, 0, () => p.H.get(), 1, [
          f.forRange(j, 0, () => w4.get(), 16, [v128.store(i32.add(rowDst.get(), j.get()), v128.load(i32.add(src.get(), j.get()), 0, 4), 0, 4)]),
          f.forRange(j, w4.get(), () => i32.shl(p.W.get(), 2), 4, [f.f32.store(i32.add(rowDst.get(), j.get()), f.f32.load(i32.add(src.get(), j.get())))]),
          src.set(i32.add(src.get(), i32.shl(p.W.get(), 2))),
          rowDst.set(i32.add(rowDst.get(), i32.shl(p.Wp.get(), 2))),
        ]),
        dst.set(i32.add(dst.get(), i32.shl(i32.mul(p.Hp.get(), p.Wp.get()), 2))),
      ]),
    ];
  });
}

/** (xp, v, C, K, Hp, Wp, TH, TW, Ts): v[ξ][c][t] = (Bᵀ d B)[ξ] for every tile t of K padded images. */
export function addWinogradInput(mod: WasmModule, name: string): void {
  const params = { xp: "i32", v: "i32", C: "i32", K: "i32", Hp: "i32", Wp: "i32", TH: "i32", TW: "i32", Ts: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const [c, img, ty, tx, row, t, xi, planeV, wb] = f.locals("i32", ["c", "img", "ty", "tx", "row", "t", "xi", "planeV", "wb"]);
    // Bᵀ-combined input rows at the four load offsets (columns +0, +4, +2, +6 of the group)
    const w = f.locals("v128", ["wA", "wB", "wC", "wD"]);
    const col = f.locals("v128", ["c0", "c1", "c2", "c3"]);
    const load = (i: number, off: number): Expr<"v128"> => v128.load(i32.add(row.get(), i32.mul(wb.get(), i)), off, 4);
    // row i of Bᵀ d from the input rows d0..d3
    const bt = (i: number, off: number): Expr<"v128"> => {
      switch (i) {
        case 0: return f32x4.sub(load(0, off), load(2, off));
        case 1: return f32x4.add(load(1, off), load(2, off));
        case 2: return f32x4.sub(load(2, off), load(1, off));
        default: return f32x4.sub(load(1, off), load(3, off));
      }
    };
    const store = (xiIndex: number, e: Expr<"v128">): Stmt =>
      v128.store(i32.add(xi.get(), i32.mul(planeV.get(), xiIndex)), e, 0, 4);
    const group: Stmt[] = [
      // address of v[0][c][t]
      xi.set(i32.add(p.v.get(), i32.shl(i32.add(i32.mul(c.get(), p.Ts.get()), t.get()), 2))),
      ...[0, 1, 2, 3].flatMap((i) => [
        ...[0, 16, 8, 24].map((off, k) => w[k]!.set(bt(i, off))),
        col[0]!.set(v128.shuffle(w[0]!.get(), w[1]!.get(), EVEN)),
        col[1]!.set(v128.shuffle(w[0]!.get(), w[1]!.get(), ODD)),
        col[2]!.set(v128.shuffle(w[2]!.get(), w[3]!.get(), EVEN)),
        col[3]!.set(v128.shuffle(w[2]!.get(), w[3]!.get(), ODD)),
        store(4 * i, f32x4.sub(col[0]!.get(), col[2]!.get())),
        store(4 * i + 1, f32x4.add(col[1]!.get(), col[2]!.get())),
        store(4 * i + 2, f32x4.sub(col[2]!.get(), col[1]!.get())),
        store(4 * i + 3, f32x4.sub(col[1]!.get(), col[3]!.get())),
      ]),
      row.set(i32.add(row.get(), 32)),
      f.inc(t, 4),
    ];
    return [
      planeV.set(i32.shl(i32.mul(p.C.get(), p.Ts.get()), 2)),
      wb.set(i32.shl(p.Wp.get(), 2)),
      f.forRange(c, 0, () => p.C.get(), 1, [
        f.forRange(img, 0, () => p.K.get(), 1, [
          f.forRange(ty, 0, () => p.TH.get(), 1, [
            t.set(i32.mul(i32.add(i32.mul(img.get(), p.TH.get()), ty.get()), p.TW.get())),
            row.set(i32.add(p.xp.get(), i32.shl(i32.mul(i32.add(i32.mul(i32.add(i32.mul(img.get(), p.C.get()), c.get()), p.Hp.get()), i32.shl(ty.get(), 1)), p.Wp.get()), 2))),
            f.forRange(tx, 0, () => p.TW.get(), 4, group),
          ]),
        ]),
      ]),
    ];
  });
}

/** (m, y, O, K, TH, TW, Ts, OH, OW): y[img][o] (OH×OW) = Aᵀ m A per tile, for K images. */
export function addWinogradOutput(mod: WasmModule, name: string): void {
  const params = { m: "i32", y: "i32", O: "i32", K: "i32", TH: "i32", TW: "i32", Ts: "i32", OH: "i32", OW: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const [o, img, ty, tx, t, src, planeM, plane, r0, r1, ob] = f.locals("i32", ["o", "img", "ty", "tx", "t", "src", "planeM", "plane", "r0", "r1", "ob"]);
    const s = f.locals("v128", ["s00", "s01", "s02", "s03", "s10", "s11", "s12", "s13"]);
    const y = f.locals("v128", ["y00", "y01", "y10", "y11"]);
    const m = (xi: number): Expr<"v128"> => v128.load(i32.add(src.get(), i32.mul(planeM.get(), xi)), 0, 4);
    // Aᵀ m (2×4), then (Aᵀ m) A (2×2)
    const sums: Stmt[] = [0, 1, 2, 3].flatMap((j) => [
      s[j]!.set(f32x4.add(f32x4.add(m(j), m(4 + j)), m(8 + j))),
      s[4 + j]!.set(f32x4.sub(f32x4.sub(m(4 + j), m(8 + j)), m(12 + j))),
    ]);
    const outs: Stmt[] = [0, 1].flatMap((i) => [
      y[2 * i]!.set(f32x4.add(f32x4.add(s[4 * i]!.get(), s[4 * i + 1]!.get()), s[4 * i + 2]!.get())),
      y[2 * i + 1]!.set(f32x4.sub(f32x4.sub(s[4 * i + 1]!.get(), s[4 * i + 2]!.get()), s[4 * i + 3]!.get())),
    ]);
    const full = (): Expr<"i32"> => i32.and(i32.leS(i32.add(i32.shl(tx.get(), 1), 8), p.OW.get()), i32.leS(i32.add(i32.shl(ty.get(), 1), 2), p.OH.get()));
    const vectorStore: Stmt[] = [
      v128.store(r0.get(), v128.shuffle(y[0]!.get(), y[1]!.get(), LO), 0, 4),
      v128.store(r0.get(), v128.shuffle(y[0]!.get(), y[1]!.get(), HI), 16, 4),
      v128.store(r1.get(), v128.shuffle(y[2]!.get(), y[3]!.get(), LO), 0, 4),
      v128.store(r1.get(), v128.shuffle(y[2]!.get(), y[3]!.get(), HI), 16, 4),
    ];
    // lane l is tile tx + l: stored when inside the tile row, each of its outputs when inside the image
    const scalarStore: Stmt[] = [0, 1, 2, 3].map((l) => f.if(i32.ltS(i32.add(tx.get(), l), p.TW.get()), [
      f.f32.store(r0.get(), f32x4.extractLane(y[0]!.get(), l), 8 * l),
      f.if(i32.ltS(i32.add(i32.shl(tx.get(), 1), 2 * l + 1), p.OW.get()), [f.f32.store(r0.get(), f32x4.extractLane(y[1]!.get(), l), 8 * l + 4)]),
      f.if(i32.ltS(i32.add(i32.shl(ty.get(), 1), 1), p.OH.get()), [
        f.f32.store(r1.get(), f32x4.extractLane(y[2]!.get(), l), 8 * l),
        f.if(i32.ltS(i32.add(i32.shl(tx.get(), 1), 2 * l + 1), p.OW.get()), [f.f32.store(r1.get(), f32x4.extractLane(y[3]!.get(), l), 8 * l + 4)]),
      ]),
    ]));
    return [
      planeM.set(i32.shl(i32.mul(p.O.get(), p.Ts.get()), 2)),
      ob.set(i32.shl(p.OW.get(), 2)),
      plane.set(p.y.get()),
      f.forRange(img, 0, () => p.K.get(), 1, [
        f.forRange(o, 0, () => p.O.get(), 1, [
          f.forRange(ty, 0, () => p.TH.get(), 1, [
            t.set(i32.mul(i32.add(i32.mul(img.get(), p.TH.get()), ty.get()), p.TW.get())),
            src.set(i32.add(p.m.get(), i32.shl(i32.add(i32.mul(o.get(), p.Ts.get()), t.get()), 2))),
            r0.set(i32.add(plane.get(), i32.mul(ob.get(), i32.shl(ty.get(), 1)))),
            r1.set(i32.add(r0.get(), ob.get())),
            f.forRange(tx, 0, () => p.TW.get(), 4, [
              ...sums,
              ...outs,
              f.if(full(), vectorStore, scalarStore),
              f.inc(src, 16),
              f.inc(r0, 32),
              f.inc(r1, 32),
            ]),
          ]),
          plane.set(i32.add(plane.get(), i32.mul(ob.get(), p.OH.get()))),
        ]),
      ]),
    ];
  });
}

/** Whether a conv2d takes the Winograd path: 3×3, stride 1, no dilation, one group, enough channels to fill the GEMMs. */
export function winogradApplies(c: number, kh: number, kw: number, stride: readonly number[], dilation: readonly number[], groups: number): boolean {
  return kh === 3 && kw === 3 && stride[0] === 1 && stride[1] === 1 && dilation[0] === 1 && dilation[1] === 1 && groups === 1 && c >= 4;
}

