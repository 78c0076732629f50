// Character n-gram baselines: the bits per character a count model of order n gets on held-out text.
//
// P(c | previous n − 1 characters) = (count(context, c) + k) / (count(context) + k·A), counts from the
// training part, A the alphabet size (the distinct symbols of train and validation together), add-k
// smoothing with k = 0.1 by default. Validation positions are scored from the n-th character of the
// validation part on (contexts never reach into the training part). With k = 0.1 on the Moby Dick text
// split 90/10 by position this gives ../shared/anchors/DATA.md's 4.50, 3.55, 2.91, 2.49 for n = 1…4.
// Symbols are small integers (character ids); a context is packed into one number base A, so the
// tables are Maps of numbers (A^n stays far below 2^53 for the orders used here).

export interface NgramOptions {
  /** Add-k smoothing constant (default 0.1). */
  readonly k?: number;
}

/** Dense symbols 0…A−1 for two sequences of ids (or characters), in order of first appearance. */
export function denseSymbols(train: ArrayLike<number>, validation: ArrayLike<number>): { train: Int32Array; validation: Int32Array; alphabet: number } {
  const map = new Map<number, number>();
  const dense = (xs: ArrayLike<number>) => {
    const out = new Int32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      let d = map.get(x);
      if (d === undefined) map.set(x, (d = map.size));
      out[i] = d;
    }
    return out;
  };
  const t = dense(train);
  const v = dense(validation);
  return { train: t, validation: v, alphabet: map.size };
}

/** UTF-16 code units of a string. */
export function codeUnits(text: string): Int32Array {
  const out = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Validation bits per character of an add-k n-gram model counted on `train`; symbols in 0…alphabet−1. */
export function ngramBitsPerChar(train: Int32Array, validation: Int32Array, order: number, alphabet: number, options: NgramOptions = {}): number {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`ngram: order must be a positive integer, got ${order}`);
  if (validation.length < order) throw new RangeError(`ngram: ${validation.length} validation symbols are too few for order ${order}`);
  const k = options.k ?? 0.1;
  const A = alphabet;
  const ctxCounts = new Map<number, number>();
  const fullCounts = new Map<number, number>();
  const ctxMod = A ** (order - 1); // the rolling context keeps the last order − 1 symbols
  const count = (xs: Int32Array, visit: (ctx: number, sym: number) => void) => {
    let ctx = 0;
    for (let i = 0; i < xs.length; i++) {
      const s = xs[i]!;
      if (i >= order - 1) visit(ctx, s);
      if (order > 1) ctx = (ctx * A + s) % ctxMod;
    }
  };
  count(train, (ctx, s) => {
    ctxCounts.set(ctx, (ctxCounts.get(ctx) ?? 0) + 1);
    const key = ctx * A + s;
    fullCounts.set(key, (fullCounts.get(key) ?? 0) + 1);
  });
  let bits = 0;
  let n = 0;
  count(validation, (ctx, s) => {
    const f = fullCounts.get(ctx * A + s) ?? 0;
    const c = ctxCounts.get(ctx) ?? 0;
    bits -= Math.log2((f + k) / (c + k * A));
    n++;
  });
  return bits / n;
}

export interface NgramBaseline {
  readonly order: number;
  readonly bitsPerChar: number;
}

/** Baselines of several orders on the same split, on ids or code units (made dense first). */
export function ngramBaselines(train: ArrayLike<number>, validation: ArrayLike<number>, orders: readonly number[], options: NgramOptions = {}): NgramBaseline[] {
  const d = denseSymbols(train, validation);
  return orders.map((order) => ({ order, bitsPerChar: ngramBitsPerChar(d.train, d.validation, order, d.alphabet, options) }));
}
