// Scalar math helpers that generated elementwise code calls (the emitter inlines everything else).
//
// erf: for |x| < 0.5 a Taylor series (8 terms, error < 1e-12 there, and it keeps the relative accuracy
// near 0 that 1 − erfc would lose); otherwise 1 − erfc with erfc from the Chebyshev-fitted form
// t·exp(−x² + P(t)), t = 1/(1 + x/2) (Numerical Recipes' erfcc, fractional error < 1.2e-7).
// That is well inside float32 precision, which is what GELU needs.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

function erfcPositive(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  return (
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

export function erf(x: number): number {
  const z = x < 0 ? -x : x;
  if (z < 0.5) {
    const x2 = x * x;
    // Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), Horner form in x², n = 0..7
    const p =
      1 +
      x2 *
        (-1 / 3 +
          x2 * (1 / 10 + x2 * (-1 / 42 + x2 * (1 / 216 + x2 * (-1 / 1320 + x2 * (1 / 9360 + x2 * (-1 / 75600)))))));
    return TWO_OVER_SQRT_PI * x * p;
  }
  const r = 1 - erfcPositive(z);
  return x < 0 ? -r : r;
}

/** 1/(1+e^(−x)) without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1+e^x) = max(x,0) + log1p(e^(−|x|)): no overflow for large x, no lost digits for very negative x. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(x > 0 ? -x : x));
}

/** log σ(x) = −softplus(−x), stable for both signs (binary cross-entropy on logits). */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}
