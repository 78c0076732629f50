// Area under the ROC curve of an anomaly score: the probability that a random anomaly scores higher than a
// random normal example (ties count one half), i.e. the Mann–Whitney U statistic / (positives·negatives).
// Computed by one sort with mid-ranks for ties: O(n log n).

/** `positive[i]` true for anomalies (they should score higher). Throws when a class is empty. */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`auroc: ${n} scores but ${positive.length} labels`);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (positive[order[t]!]) {
      pos++;
      rankSum += midRank;
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) throw new RangeError(`auroc needs both classes, got ${pos} positive and ${neg} negative`);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i]!)) throw new RangeError(`auroc: score ${i} is NaN`);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
