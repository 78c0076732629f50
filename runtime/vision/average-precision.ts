// Average precision as PASCAL VOC (2010 onwards) computes it: all-point interpolation. Per class, the
// detections of every image are ranked by score; each is a true positive when its best-overlapping
// ground truth of that class in its image (by `overlap`: box IoU, mask IoU…) reaches the threshold and
// was not matched by a higher-ranked detection, otherwise a false positive (a duplicate of a matched
// ground truth is a false positive, as in VOC). AP is the area under the precision/recall curve after
// precision is made non-increasing from the right: Σ (r_i − r_{i−1}) · max_{j ≥ i} p_j. The mean (mAP)
// is over the classes that have ground truth in the set.

export interface Scored {
  readonly score: number;
  readonly label: number;
}

export interface ApImage<D extends Scored, G extends { readonly label: number }> {
  readonly detections: readonly D[];
  readonly truths: readonly G[];
}

/** AP from ranked true/false-positive flags (best score first) and the number of ground truths. */
export function averagePrecision(truePositive: readonly boolean[], truths: number): number {
  if (truths === 0) return 0;
  const recall: number[] = [0];
  const precision: number[] = [0];
  let tp = 0;
  truePositive.forEach((t, i) => {
    if (t) tp++;
    recall.push(tp / truths);
    precision.push(tp / (i + 1));
  });
  recall.push(1);
  precision.push(0);
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0;
  for (let i = 1; i < recall.length; i++) {
    if (recall[i] !== recall[i - 1]) ap += (recall[i]! - recall[i - 1]!) * precision[i]!;
  }
  return ap;
}

export interface MeanApResult {
  /** Mean over the classes with ground truth; NaN when no class has any. */
  readonly map: number;
  /** AP per class label (classes without ground truth are absent). */
  readonly perClass: ReadonlyMap<number, number>;
}

export function meanAveragePrecision<D extends Scored, G extends { readonly label: number }>(
  images: readonly ApImage<D, G>[],
  overlap: (d: D, g: G) => number,
  threshold = 0.5,
): MeanApResult {
  const labels = new Set<number>();
  for (const im of images) for (const g of im.truths) labels.add(g.label);
  const perClass = new Map<number, number>();
  for (const label of [...labels].sort((a, b) => a - b)) {
    const ranked: { d: D; image: number; order: number }[] = [];
    let truths = 0;
    images.forEach((im, image) => {
      im.detections.forEach((d, order) => {
        if (d.label === label) ranked.push({ d, image, order });
      });
      for (const g of im.truths) if (g.label === label) truths++;
    });
    ranked.sort((a, b) => b.d.score - a.d.score || a.image - b.image || a.order - b.order);
    const matched = images.map((im) => im.truths.map(() => false));
    const flags = ranked.map(({ d, image }) => {
      const gts = images[image]!.truths;
      let best = -1;
      let bestOverlap = -Infinity;
      gts.forEach((g, j) => {
        if (g.label !== label) return;
        const o = overlap(d, g);
        if (o > bestOverlap) {
          bestOverlap = o;
          best = j;
        }
      });
      if (best < 0 || bestOverlap < threshold || matched[image]![best]) return false;
      matched[image]![best] = true;
      return true;
    });
    perClass.set(label, averagePrecision(flags, truths));
  }
  const aps = [...perClass.values()];
  return { map: aps.length === 0 ? NaN : aps.reduce((s, v) => s + v, 0) / aps.length, perClass };
}
