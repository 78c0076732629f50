// Greedy non-maximum suppression: visit detections by descending score (ties: the earlier one first) and
// keep one unless a kept detection of the same label (or any label, with `perClass: false`) overlaps it
// with IoU above the threshold. O(n·kept), fine for the tens of boxes per image a grid produces.

import { boxIou } from "./boxes.js";
import type { Detection } from "./grid.js";

export interface NmsOptions {
  /** Suppress only within a label (default true). */
  readonly perClass?: boolean;
  /** At most this many detections kept (default: all). */
  readonly maxKept?: number;
}

export function nms<D extends Detection>(detections: readonly D[], iouThreshold: number, options: NmsOptions = {}): D[] {
  const perClass = options.perClass ?? true;
  const maxKept = options.maxKept ?? Infinity;
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.score - detections[a]!.score || a - b);
  const kept: D[] = [];
  for (const i of order) {
    if (kept.length >= maxKept) break;
    const d = detections[i]!;
    const suppressed = kept.some((k) => (!perClass || k.label === d.label) && boxIou(k.box, d.box) > iouThreshold);
    if (!suppressed) kept.push(d);
  }
  return kept;
}
