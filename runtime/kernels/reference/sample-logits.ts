// Reference sampling from logits, straight from the definition: sort the entries by value (descending,
// lower index first among equals), keep the first topK, softmax with temperature in float64, then the
// inverse CDF over the kept entries in index order with one uniform draw. Allocates freely.

export function refSampleLogits(logits: ArrayLike<number>, offset: number, count: number, temperature: number, topK: number, u: () => number): number {
  const entries = Array.from({ length: count }, (_, i) => ({ i, v: logits[offset + i]! }));
  const byValue = [...entries].sort((a, b) => b.v - a.v || a.i - b.i);
  if (temperature === 0) return byValue[0]!.i;
  const k = topK > 0 && topK < count ? topK : count;
  const kept = byValue.slice(0, k).sort((a, b) => a.i - b.i);
  const max = byValue[0]!.v;
  const weights = kept.map((e) => Math.exp((e.v - max) / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  const target = u() * total;
  let cum = 0;
  let last = kept[0]!.i;
  for (let j = 0; j < kept.length; j++) {
    if (weights[j] === 0) continue;
    cum += weights[j]!;
    last = kept[j]!.i;
    if (cum > target) return kept[j]!.i;
  }
  return last;
}
