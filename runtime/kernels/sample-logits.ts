// sampleLogits: one token drawn from a row of logits, for generation (greedy, temperature, top-k).
//
// temperature 0 → argmax (the first of equal maxima; no draw). Otherwise p_i ∝ exp((l_i − max) / T) over
// the kept entries: all of them, or with topK > 0 the topK largest (ties at the boundary go to the lower
// index). One uniform u ∈ [0, 1) from the generator, then the inverse CDF walked in index order, in
// float64. The same generator state gives the same token on every target.
//
// Allocation-free: the k-th largest value is found by quickselect on `scratch` (a caller-owned
// Float64Array of at least `count`), which the weights then reuse.

/** The part of runtime/rng.ts's Rng this kernel draws from. */
export interface UniformSource {
  nextFloat(): number;
}

/** k-th largest (k ≥ 1) of a[0, n), by in-place quickselect (median-of-three pivots; deterministic). */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[lo]!;
}

/**
 * Index in [0, count) drawn from logits[offset, offset + count). Throws a RangeError on a NaN logit
 * (a model that diverged), on a negative or non-finite temperature, or on a scratch shorter than count.
 */
export function sampleLogits(
  logits: Float32Array,
  offset: number,
  count: number,
  temperature: number,
  topK: number,
  rng: UniformSource,
  scratch: Float64Array,
): number {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new RangeError(`sampleLogits: temperature must be 0 or more, got ${temperature}`);
  if (count < 1 || scratch.length < count) throw new RangeError(`sampleLogits: need 1 ≤ count ≤ scratch length, got ${count} and ${scratch.length}`);
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = logits[offset + i]!;
    if (v !== v) throw new RangeError(`sampleLogits: logit ${i} is NaN`);
    if (v > max) {
      max = v;
      best = i;
    }
  }
  if (temperature === 0 || max === Infinity) return best;

  const k = topK > 0 && topK < count ? Math.floor(topK) : count;
  let threshold = -Infinity;
  let ties = count; // how many entries equal to the threshold may still be kept
  if (k < count) {
    for (let i = 0; i < count; i++) scratch[i] = logits[offset + i]!;
    threshold = kthLargest(scratch, count, k);
    let above = 0;
    for (let i = 0; i < count; i++) if (logits[offset + i]! > threshold) above++;
    ties = k - above;
  }
  let total = 0;
  for (let i = 0; i < count; i++) {
    const v = logits[offset + i]!;
    let keep = v > threshold;
    if (!keep && v === threshold && ties > 0) {
      keep = true;
      ties--;
    }
    const w = keep ? Math.exp((v - max) / temperature) : 0;
    scratch[i] = w;
    total += w;
  }
  const u = rng.nextFloat() * total;
  let cum = 0;
  let last = best;
  for (let i = 0; i < count; i++) {
    const w = scratch[i]!;
    if (w === 0) continue;
    cum += w;
    last = i;
    if (cum > u) return i;
  }
  return last; // rounding: u landed on the total
}
