// The grid detector's tensors ↔ boxes. A G×G grid over the image; per cell (row gy, column gx), channels
// first as the model writes them (NCHW without the batch axis):
//   objectness [1, G, G]  a logit: does a box's centre fall in this cell
//   boxes      [4, G, G]  centre x, y as offsets in the cell (0..1), log(width / cell), log(height / cell)
//   classes    [C, G, G]  class logits
// The targets of the digit_canvases source use the same encoding (has_object 0/1, box_target, class_target
// with −1 in empty cells). Boxes come out in cell units: multiply by the cell size for pixels.
//
// decodeGrid makes one detection per cell: the arg-max class, scored sigmoid(objectness) × its softmax
// probability (the YOLO score), kept when the score reaches `minScore`. Non-maximum suppression is a
// separate step (nms.ts).

import { boxFromCenter, type Box } from "./boxes.js";

export interface Detection {
  readonly box: Box;
  readonly score: number;
  readonly label: number;
}

export interface GroundTruth {
  readonly box: Box;
  readonly label: number;
}

export interface GridShape {
  /** Cells per side. */
  readonly grid: number;
  /** Object classes C. */
  readonly classes: number;
}

function boxAt(boxes: ArrayLike<number>, cells: number, g: number, gx: number, gy: number): Box {
  const bx = boxes[g]!;
  const by = boxes[cells + g]!;
  const bw = Math.exp(boxes[2 * cells + g]!);
  const bh = Math.exp(boxes[3 * cells + g]!);
  return boxFromCenter(gx + bx, gy + by, bw, bh);
}

/** One example's predictions → detections (cell units), before suppression. */
export function decodeGrid(
  objectness: ArrayLike<number>,
  boxes: ArrayLike<number>,
  classes: ArrayLike<number>,
  shape: GridShape,
  minScore = 0.01,
): Detection[] {
  const { grid: G, classes: C } = shape;
  const cells = G * G;
  const out: Detection[] = [];
  for (let gy = 0; gy < G; gy++) {
    for (let gx = 0; gx < G; gx++) {
      const g = gy * G + gx;
      const obj = 1 / (1 + Math.exp(-objectness[g]!));
      let best = 0;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = classes[c * cells + g]!;
        if (v > max) {
          max = v;
          best = c;
        }
      }
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(classes[c * cells + g]! - max);
      const score = obj / z;
      if (score >= minScore) out.push({ box: boxAt(boxes, cells, g, gx, gy), score, label: best });
    }
  }
  return out;
}

/** One example's grid targets → its ground-truth boxes (cell units). */
export function gridTargets(hasObject: ArrayLike<number>, boxTarget: ArrayLike<number>, classTarget: ArrayLike<number>, grid: number): GroundTruth[] {
  const cells = grid * grid;
  const out: GroundTruth[] = [];
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const g = gy * grid + gx;
      if (hasObject[g]! > 0.5 && classTarget[g]! >= 0) out.push({ box: boxAt(boxTarget, cells, g, gx, gy), label: classTarget[g]! });
    }
  }
  return out;
}
