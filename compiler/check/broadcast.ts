// NumPy broadcasting over symbolic shapes: align from the right; a dim of 1 stretches; equal dims pass.
// Two different dims that are not both concrete are accepted only when structurally equal (B with B).

import { dimConst, dimEquals, dimValue, type Dim } from "./dims.js";

/** The broadcast shape, or the index (from the left of the longer shape) of the first conflict. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): { shape: Dim[] } | { conflict: number } {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? dimConst(1);
    const y = b[b.length - n + i] ?? dimConst(1);
    if (dimEquals(x, y)) out.push(x);
    else if (dimValue(x) === 1) out.push(y);
    else if (dimValue(y) === 1) out.push(x);
    else return { conflict: i };
  }
  return { shape: out };
}
