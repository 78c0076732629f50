// Wasm SIMD matmul: c[M×N] (+)= op(a)·op(b), row-major f32, the same contract as
// runtime/kernels/matmul.ts. op(a) is a[M×K], or a stored [K×M] when transA; op(b) is b[K×N], or b
// stored [N×K] when transB. All pointers are byte offsets into the imported memory.
//
// Design (the Goto/BLIS loop nest, measured on V8 in PERFORMANCE.md):
// - Blocks: for each NC columns of c and KC steps of k, pack that block of op(b) into 8-column panels
//   (scratch packB); for each MC rows, pack op(a) into 4-row panels (scratch packA). Packing absorbs
//   the transposes, so there is one microkernel for all four cases.
// - Microkernel: a 4×8 tile of c held in 8 f32x4 accumulators; one k step loads four broadcast a
//   values (`v128.load32_splat`) and two b vectors, then 8 mul+add. 8 + 6 live vectors fit V8's 15
//   xmm registers. The k loop is not unrolled: V8 unrolls it itself, and a manual unroll was slower.
// - Edges: panels are zero-padded, so every tile is computed whole; a tile that sticks out of c is
//   spilled to a 128-byte scratch tile and only its valid part is added to c.
// - The first k block overwrites c unless `accumulate`; later blocks add.
// - `relaxed`: f32x4.relaxed_madd (an FMA on x86 with FMA3) in a 5×8 tile, where the engine has
//   relaxed SIMD; results differ from plain SIMD by rounding only.

import type { Expr, I32, Stmt } from "../expr.js";
import type { Local } from "../func.js";
import type { WasmModule } from "../module.js";
import { addPackFunction, packFunctionName } from "./matmul-pack.js";

export interface MatmulConfig {
  /** Exported function name (also the prefix of its helpers). Default "matmul". */
  name?: string;
  /** Rows of op(a) packed at once (multiple of 4). */
  mc?: number;
  /** Steps of k per block. */
  kc?: number;
  /** Columns of op(b) packed at once (multiple of 8). */
  nc?: number;
  /** Use relaxed fused multiply-add (the module must allow relaxed SIMD). */
  relaxed?: boolean;
  /**
   * Rows of the register tile: 4 (4×8, a values broadcast by load32_splat) or 5 (5×8: one vector load
   * of a packed a column, lanes broadcast by shuffles, the fifth by a splat load). Default 4, or 5 with
   * `relaxed`. Measured: 5×8 with plain SIMD spills registers (~0.55× of 4×8); with relaxed FMA it
   * fits and is ~5% faster than plain 4×8, while relaxed 4×8 is no faster than plain 4×8.
   */
  mr?: 4 | 5;
}

const NR = 8;
export const MATMUL_DEFAULTS = { name: "matmul", mc: 64, kc: 256, nc: 512, relaxed: false, mr: 4 } as const;

function resolve(config: MatmulConfig): Required<MatmulConfig> {
  const mr = config.mr ?? (config.relaxed ? 5 : MATMUL_DEFAULTS.mr);
  // mc must be a multiple of mr
  return { ...MATMUL_DEFAULTS, mc: mr === 5 ? 80 : MATMUL_DEFAULTS.mc, ...config, mr };
}

/** Scratch the caller must provide (each region 16-byte aligned for speed), independent of M, N, K. */
export function matmulScratchBytes(config: MatmulConfig = {}): { packA: number; packB: number } {
  const { mc, kc, nc, mr } = resolve(config);
  return { packA: mc * kc * 4 + mr * NR * 4, packB: kc * nc * 4 };
}

/** Signature of the exported function: (a, b, c, M, N, K, transA, transB, accumulate, packA, packB). */
export type MatmulFn = (
  a: number,
  b: number,
  c: number,
  M: number,
  N: number,
  K: number,
  transA: number,
  transB: number,
  accumulate: number,
  packA: number,
  packB: number,
) => void;

/**
 * Signature of `<name>_batch`: c[p] (+)= op(a[p])·op(b[p]) for p < batch, as
 * runtime/kernels/batch-matmul.ts: strides in elements (0 broadcasts an operand; strideC = 0 sums the
 * batch into one c, so items after the first accumulate).
 */
export type BatchMatmulFn = (
  a: number,
  b: number,
  c: number,
  batch: number,
  M: number,
  N: number,
  K: number,
  transA: number,
  transB: number,
  accumulate: number,
  strideA: number,
  strideB: number,
  strideC: number,
  packA: number,
  packB: number,
) => void;

export function batchMatmulName(config: MatmulConfig = {}): string {
  return `${config.name ?? MATMUL_DEFAULTS.name}_batch`;
}

/** Adds `<name>` (MatmulFn) and `<name>_batch` (BatchMatmulFn), both exported, and their helpers. */
export function addMatmul(mod: WasmModule, config: MatmulConfig = {}): void {
  const { name, mc: MC, kc: KC, nc: NC, relaxed, mr: MR } = resolve(config);
  if (relaxed && !mod.relaxedSimd) throw new Error("wasm matmul: relaxed needs a module created with relaxedSimd: true");
  if (MC % MR || NC % NR || MC <= 0 || NC <= 0 || KC <= 0)
    throw new Error(`wasm matmul: mc must be a multiple of ${MR}, nc of ${NR} (got mc=${MC}, nc=${NC}, kc=${KC})`);
  addPackFunction(mod, name, MR);
  addPackFunction(mod, name, 8);
  const params = {
    a: "i32", b: "i32", c: "i32", M: "i32", N: "i32", K: "i32",
    transA: "i32", transB: "i32", accumulate: "i32", packA: "i32", packB: "i32",
  } as const;
  mod.addFunction(name, { params, result: "none", export: true }, (f, p) => {
    const { i32, v128, f32x4 } = f;
    const sum = (...xs: I32[]): Expr<"i32"> => xs.slice(1).reduce<Expr<"i32">>((acc, x) => i32.add(acc, x), i32.add(xs[0]!, 0));
    const [jc, nc, pc, kc, ic, mc, jr, ir] = f.locals("i32", ["jc", "nc", "pc", "kc", "ic", "mc", "jr", "ir"]);
    const [ap, bp, kk, first, cp, ldc, tile, r, q] = f.locals("i32", ["ap", "bp", "kk", "first", "cp", "ldc", "tile", "r", "q"]);
    const [sAi, sAk, sBi, sBk] = f.locals("i32", ["sAi", "sAk", "sBi", "sBk"]);
    const acc = Array.from({ length: MR }, (_, i) => Array.from({ length: NR / 4 }, (_, j) => f.local(`acc${i}${j}`, "v128")));
    const av = Array.from({ length: MR === 4 ? 4 : 2 }, (_, i) => f.local(`a${i}`, "v128"));
    const bc = f.local("bcast", "v128");
    const bv = Array.from({ length: NR / 4 }, (_, j) => f.local(`b${j}`, "v128"));
    const min = (x: Local<"i32">, cap: number): Expr<"i32"> => f.select(i32.ltS(x.get(), cap), x.get(), i32.const(cap));

    const microkernel: Stmt[] = [
      ap.set(sum(p.packA.get(), i32.shl(i32.mul(ir.get(), kc.get()), 2))),
      bp.set(sum(p.packB.get(), i32.shl(i32.mul(jr.get(), kc.get()), 2))),
      ...acc.flat().map((x) => x.set(v128.zero())),
      kk.set(kc.get()),
      (() => {
        const top = f.label("k");
        return f.loop(top, [
          ...(MR === 4
            ? av.map((x, i) => x.set(v128.load32Splat(ap.get(), i * 4)))
            : [av[0]!.set(v128.load(ap.get(), 0, 4)), av[1]!.set(v128.load32Splat(ap.get(), 16))]),
          ...bv.map((x, j) => x.set(v128.load(bp.get(), j * 16))),
          ...acc.flatMap((row, i) => {
            // the broadcast a value of row i
            const shuffled = MR === 5 && i < 4;
            const a = (): Expr<"v128"> => (MR === 4 ? av[i]!.get() : shuffled ? bc.get() : av[1]!.get());
            const lanes = [i, i, i, i].flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]);
            return [
              ...(shuffled ? [bc.set(v128.shuffle(av[0]!.get(), av[0]!.get(), lanes))] : []),
              ...row.map((x, j) =>
                x.set(relaxed ? f32x4.relaxedMadd(a(), bv[j]!.get(), x.get()) : f32x4.add(x.get(), f32x4.mul(a(), bv[j]!.get()))),
              ),
            ];
          }),
          f.inc(ap, MR * 4),
          f.inc(bp, NR * 4),
          kk.set(i32.sub(kk.get(), 1)),
          f.brIf(top, kk.get()),
        ]);
      })(),
    ];

    const rowPtr = (i: number): Expr<"i32"> => i32.add(cp.get(), i32.mul(ldc.get(), i));
    const storeTile: Stmt[] = [
      cp.set(sum(p.c.get(), i32.shl(sum(i32.mul(i32.add(ic.get(), ir.get()), p.N.get()), jc.get(), jr.get()), 2))),
      f.if(
        i32.and(i32.geS(i32.sub(mc.get(), ir.get()), MR), i32.geS(i32.sub(nc.get(), jr.get()), NR)),
        [
          f.if(
            first.get(),
            acc.flatMap((row, i) => row.map((x, j) => v128.store(rowPtr(i), x.get(), j * 16, 4))),
            acc.flatMap((row, i) =>
              row.map((x, j) => v128.store(rowPtr(i), f32x4.add(v128.load(rowPtr(i), j * 16, 4), x.get()), j * 16, 4)),
            ),
          ),
        ],
        [
          ...acc.flatMap((row, i) => row.map((x, j) => v128.store(tile.get(), x.get(), (i * NR + j * 4) * 4))),
          // rows and columns of the tile that lie inside c: min(mc - ir, MR) × min(nc - jr, NR)
          kk.set(i32.sub(mc.get(), ir.get())),
          ap.set(i32.sub(nc.get(), jr.get())),
          f.forRange(r, 0, () => min(kk, MR), 1, [
            f.forRange(q, 0, () => min(ap, NR), 1, [
              bp.set(sum(cp.get(), i32.mul(r.get(), ldc.get()), i32.shl(q.get(), 2))),
              (() => {
                const t = (): Expr<"f32"> => f.f32.load(sum(tile.get(), i32.shl(i32.add(i32.mul(r.get(), NR), q.get()), 2)));
                return f.f32.store(bp.get(), f.select(first.get(), t(), f.f32.add(f.f32.load(bp.get()), t())));
              })(),
            ]),
          ]),
        ],
      ),
    ];

    return [
      f.if(i32.or(i32.eqz(p.M.get()), i32.eqz(p.N.get())), [f.return()]),
      f.if(i32.eqz(p.K.get()), [
        f.if(i32.eqz(p.accumulate.get()), [f.fill(p.c.get(), 0, i32.shl(i32.mul(p.M.get(), p.N.get()), 2))]),
        f.return(),
      ]),
      sAi.set(f.select(p.transA.get(), i32.const(1), p.K.get())),
      sAk.set(f.select(p.transA.get(), p.M.get(), i32.const(1))),
      sBi.set(f.select(p.transB.get(), p.K.get(), i32.const(1))),
      sBk.set(f.select(p.transB.get(), i32.const(1), p.N.get())),
      ldc.set(i32.shl(p.N.get(), 2)),
      tile.set(i32.add(p.packA.get(), MC * KC * 4)),
      f.forRange(jc, 0, () => p.N.get(), NC, [
        nc.set(i32.sub(p.N.get(), jc.get())),
        nc.set(min(nc, NC)),
        f.forRange(pc, 0, () => p.K.get(), KC, [
          kc.set(i32.sub(p.K.get(), pc.get())),
          kc.set(min(kc, KC)),
          f.call(packFunctionName(name, 8), [p.b.get(), p.packB.get(), jc.get(), pc.get(), nc.get(), kc.get(), sBi.get(), sBk.get()]),
          first.set(i32.and(i32.eqz(pc.get()), i32.eqz(p.accumulate.get()))),
          f.forRange(ic, 0, () => p.M.get(), MC, [
            mc.set(i32.sub(p.M.get(), ic.get())),
            mc.set(min(mc, MC)),
            f.call(packFunctionName(name, MR), [p.a.get(), p.packA.get(), ic.get(), pc.get(), mc.get(), kc.get(), sAi.get(), sAk.get()]),
            f.forRange(jr, 0, () => nc.get(), NR, [f.forRange(ir, 0, () => mc.get(), MR, [...microkernel, ...storeTile])]),
          ]),
        ]),
      ]),
    ];
  });
  addBatch(mod, name);
}

function addBatch(mod: WasmModule, name: string): void {
  const params = {
    a: "i32", b: "i32", c: "i32", batch: "i32", M: "i32", N: "i32", K: "i32", transA: "i32", transB: "i32",
    accumulate: "i32", strideA: "i32", strideB: "i32", strideC: "i32", packA: "i32", packB: "i32",
  } as const;
  mod.addFunction(`${name}_batch`, { params, result: "none", export: true }, (f, p) => {
    const { i32 } = f;
    const q = f.local("q", "i32");
    const at = (base: Local<"i32">, stride: Local<"i32">): Expr<"i32"> => i32.add(base.get(), i32.shl(i32.mul(q.get(), stride.get()), 2));
    return [
      f.forRange(q, 0, () => p.batch.get(), 1, [
        f.call(name, [
          at(p.a, p.strideA), at(p.b, p.strideB), at(p.c, p.strideC), p.M.get(), p.N.get(), p.K.get(), p.transA.get(), p.transB.get(),
          i32.or(p.accumulate.get(), i32.and(i32.eqz(p.strideC.get()), i32.gtS(q.get(), 0))),
          p.packA.get(), p.packB.get(),
        ]),
      ]),
    ];
  });
}
