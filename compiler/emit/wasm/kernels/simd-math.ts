// exp, log, sigmoid and tanh over f32x4 (Wasm has no transcendental instructions), for fused loops.
//
// exp: the Cephes expf scheme. x = n·ln2 + r with n = floor(x·log2e + ½) and |r| ≤ ln2/2 (ln2 split
// in two constants so r is exact enough), e^r by a degree-7 polynomial, 2^n built in the exponent
// bits. Error ≤ ~2 ulp on |x| ≤ 87. Out of range: x < -87.34 gives 0 (true values there are below
// the smallest normal f32, so the absolute error is < 1.2e-38; exp(-inf) = 0 exactly, which masked
// softmax needs); x > 88.72 gives +inf; between 88.38 and 88.72 the result saturates at e^88.38
// ≈ 2.4e38 (2^n would overflow the exponent field). NaN stays NaN.
// sigmoid(x) = 1 / (1 + e^-x): relative error ~4e-7; ±inf give 0 and 1.
// log: the Cephes logf scheme. x = m·2^e with m in [√½, √2) read from the bits, log(1 + (m − 1)) by a
// degree-9 polynomial, e·ln2 added in two parts. ≤ ~2 ulp for normal x. Special: log(0) = -inf,
// log(x < 0) = NaN, log(inf) = inf, NaN stays NaN; denormal x is treated as the smallest normal
// (log ≈ -87.3 instead of down to -103.3).
// tanh: computed for |x| — below 0.625 by the Cephes odd polynomial (no cancellation near 0), else
// 1 − 2/(e^2|x| + 1) — then given the sign bit of x.

import type { Expr } from "../expr.js";
import type { FunctionBuilder } from "../func.js";

const LO = -87.33654;
const HI_CLAMP = 88.37626;
const HI = 88.72283;
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
const LOG_POLY = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
  -2.4999993993e-1, 3.3333331174e-1,
];
const TANH_POLY = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];

function splat(f: FunctionBuilder, v: number): Expr<"v128"> {
  return f.f32x4.splat(f.f32.const(v));
}

/** Horner: ((c0·z + c1)·z + …)·z + c(n-1), z read through `z()` (a fresh node per use). */
function horner(f: FunctionBuilder, coeffs: readonly number[], z: () => Expr<"v128">): Expr<"v128"> {
  let acc = splat(f, coeffs[0]!);
  for (const c of coeffs.slice(1)) acc = f.f32x4.add(f.f32x4.mul(acc, z()), splat(f, c));
  return acc;
}

export function expF32x4(f: FunctionBuilder, x: Expr<"v128">): Expr<"v128"> {
  const { f32x4, i32x4, v128 } = f;
  const xo = f.temp("exp_x", "v128");
  const xc = f.temp("exp_xc", "v128");
  const n = f.temp("exp_n", "v128");
  const r = f.temp("exp_r", "v128");
  const y = f.temp("exp_y", "v128");
  return f.valueBlock(
    [
      xo.set(x),
      xc.set(f32x4.min(f32x4.max(xo.get(), splat(f, LO)), splat(f, HI_CLAMP))),
      n.set(f32x4.floor(f32x4.add(f32x4.mul(xc.get(), splat(f, Math.LOG2E)), splat(f, 0.5)))),
      r.set(f32x4.sub(f32x4.sub(xc.get(), f32x4.mul(n.get(), splat(f, 0.693359375))), f32x4.mul(n.get(), splat(f, -2.12194440e-4)))),
      // e^r = 1 + r + r²·P(r)
      y.set(f32x4.add(f32x4.add(f32x4.mul(horner(f, EXP_POLY, () => r.get()), f32x4.mul(r.get(), r.get())), r.get()), splat(f, 1))),
      // · 2^n, n as the biased exponent
      y.set(f32x4.mul(y.get(), i32x4.shl(i32x4.add(i32x4.truncSatF32x4(n.get()), i32x4.splat(127)), 23))),
      y.set(v128.andnot(y.get(), f32x4.lt(xo.get(), splat(f, LO)))),
    ],
    v128.bitselect(splat(f, Infinity), y.get(), f32x4.gt(xo.get(), splat(f, HI))),
  );
}

export function logF32x4(f: FunctionBuilder, x: Expr<"v128">): Expr<"v128"> {
  const { f32x4, i32x4, v128 } = f;
  const xo = f.temp("log_x", "v128");
  const m = f.temp("log_m", "v128");
  const e = f.temp("log_e", "v128");
  const small = f.temp("log_small", "v128");
  const t = f.temp("log_t", "v128");
  const z = f.temp("log_z", "v128");
  const y = f.temp("log_y", "v128");
  const i32s = (v: number): Expr<"v128"> => i32x4.splat(v);
  return f.valueBlock(
    [
      xo.set(x),
      m.set(f32x4.max(xo.get(), splat(f, 1.17549435e-38))),
      // m·2^e with m in [0.5, 1): exponent bits → e, mantissa with the exponent of 0.5
      e.set(i32x4.toF32x4(i32x4.sub(i32x4.shrU(m.get(), 23), i32s(126)))),
      m.set(v128.or(v128.and(m.get(), i32s(0x807fffff)), i32s(0x3f000000))),
      // m < √½: use 2m and e − 1, so t = m − 1 lies in [√½ − 1, √2 − 1)
      small.set(f32x4.lt(m.get(), splat(f, Math.SQRT1_2))),
      e.set(f32x4.sub(e.get(), v128.and(small.get(), splat(f, 1)))),
      t.set(f32x4.add(f32x4.sub(m.get(), splat(f, 1)), v128.and(small.get(), m.get()))),
      z.set(f32x4.mul(t.get(), t.get())),
      y.set(f32x4.mul(f32x4.mul(horner(f, LOG_POLY, () => t.get()), t.get()), z.get())),
      y.set(f32x4.add(y.get(), f32x4.mul(e.get(), splat(f, -2.12194440e-4)))),
      y.set(f32x4.sub(y.get(), f32x4.mul(z.get(), splat(f, 0.5)))),
      y.set(f32x4.add(f32x4.add(t.get(), y.get()), f32x4.mul(e.get(), splat(f, 0.693359375)))),
      // special values, last one wins: 0 → -inf, < 0 → NaN, inf → inf, NaN → itself
      y.set(v128.bitselect(splat(f, -Infinity), y.get(), f32x4.eq(xo.get(), v128.zero()))),
      y.set(v128.bitselect(splat(f, Number.NaN), y.get(), f32x4.lt(xo.get(), v128.zero()))),
      y.set(v128.bitselect(splat(f, Infinity), y.get(), f32x4.eq(xo.get(), splat(f, Infinity)))),
    ],
    v128.bitselect(xo.get(), y.get(), f32x4.ne(xo.get(), xo.get())),
  );
}

export function sigmoidF32x4(f: FunctionBuilder, x: Expr<"v128">): Expr<"v128"> {
  const one = (): Expr<"v128"> => splat(f, 1);
  return f.f32x4.div(one(), f.f32x4.add(one(), expF32x4(f, f.f32x4.neg(x))));
}

export function tanhF32x4(f: FunctionBuilder, x: Expr<"v128">): Expr<"v128"> {
  const { f32x4, v128 } = f;
  const xo = f.temp("tanh_x", "v128");
  const ax = f.temp("tanh_ax", "v128");
  const z = f.temp("tanh_z", "v128");
  const big = f.temp("tanh_big", "v128");
  return f.valueBlock(
    [
      xo.set(x),
      ax.set(f32x4.abs(xo.get())),
      // large |x|: 1 − 2/(e^2|x| + 1), for |x|
      big.set(f32x4.sub(splat(f, 1), f32x4.div(splat(f, 2), f32x4.add(expF32x4(f, f32x4.add(ax.get(), ax.get())), splat(f, 1))))),
      z.set(f32x4.mul(ax.get(), ax.get())),
    ],
    // tanh is odd: compute for |x|, then copy x's sign bit (this also keeps tanh(-0) = -0)
    v128.bitselect(
      xo.get(),
      v128.bitselect(
        // small |x|: |x| + |x|·z·P(z)
        f32x4.add(ax.get(), f32x4.mul(f32x4.mul(horner(f, TANH_POLY, () => z.get()), z.get()), ax.get())),
        big.get(),
        f32x4.lt(ax.get(), splat(f, 0.625)),
      ),
      splat(f, -0),
    ),
  );
}
