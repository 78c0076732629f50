// Judging generated samples with a classifier: how spread the predicted classes are (entropy of their
// histogram: ln K when every class is equally common, 0 when all samples look alike) and how confident the
// classifier is on them (mean top-class softmax probability).

export interface ClassJudgement {
  /** Samples per predicted class. */
  readonly histogram: Int32Array;
  /** Entropy (natural log) of the histogram normalised to a distribution. */
  readonly entropy: number;
  /** Mean over samples of the largest softmax probability. */
  readonly meanConfidence: number;
}

/** Entropy in nats of a histogram of counts. */
export function histogramEntropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Judges `count` rows of `classes` logits. */
export function judgeLogits(logits: ArrayLike<number>, count: number, classes: number): ClassJudgement {
  if (logits.length < count * classes) throw new RangeError(`judgeLogits: need ${count}×${classes} logits, have ${logits.length}`);
  if (count < 1) throw new RangeError("judgeLogits: no samples");
  const histogram = new Int32Array(classes);
  let confidence = 0;
  for (let r = 0; r < count; r++) {
    let best = 0;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[r * classes + c]!;
      if (v > max) {
        max = v;
        best = c;
      }
    }
    // Softmax of the top class = 1 / Σ exp(l_c − max): stable for any logits.
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp(logits[r * classes + c]! - max);
    histogram[best]!++;
    confidence += 1 / z;
  }
  return { histogram, entropy: histogramEntropy(histogram), meanConfidence: confidence / count };
}
