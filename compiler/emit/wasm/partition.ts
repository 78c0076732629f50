// How each node of a step would be split across workers sharing one memory: the compile-time data of
// the threads design (docs/architecture.md, "Threads"). Nothing runs threaded yet; the emitter will
// bake these ranges into one copy of the step per worker.
//
// The rule that keeps results bit-identical to one thread: split an output axis whose elements are
// computed independently, never an axis that is summed over. A partition depends only on shapes, so it
// is the same on every run. Ranges are cut at multiples of a quantum (the matmul's 4-row register tile,
// the 4 lanes of an f32x4 loop) so each worker runs the same code paths as the single-threaded kernel.

import type { Node } from "../../ir/graph.js";
import { ops } from "../../ir/ops.js";
import { sizeOf } from "../../ir/shapes.js";

export interface Split {
  kind: "split";
  /** Axis of the output that is divided, or "flat" for the elements in order (elementwise loops). */
  axis: number | "flat";
  /** Length of that axis (or the element count for "flat"). */
  extent: number;
  /** Every bound but the last is a multiple of this. */
  quantum: number;
  /** Worker w computes [bounds[w], bounds[w + 1]) along the axis; bounds[0] = 0, the last = extent. */
  bounds: number[];
}

export interface Serial {
  kind: "serial";
  reason: "no work" | "small" | "whole-tensor result" | "not splittable";
}

export type Partition = Split | Serial;

/** Below this many output elements a node runs on worker 0 (a barrier costs more than the work). */
export const MIN_SPLIT_ELEMENTS = 1 << 15;

const NO_WORK = new Set(["const", "input", "param", "reshape", "stop_gradient"]);
const BY_IMAGES = new Set([
  "conv2d", "conv2d_backward_input", "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
  "upsample_nearest2d", "upsample_nearest2d_backward",
]);
const BY_ROWS = new Set([
  "softmax", "log_softmax", "softmax_backward", "log_softmax_backward", "gather", "take_along_axis", "scatter_along_axis",
  "transpose", "slice", "concat", "pad", "broadcast_to",
]);

/** [0, …, extent] in `workers` parts, each bound but the last a multiple of `quantum`, as even as that allows. */
export function splitBounds(extent: number, workers: number, quantum: number): number[] {
  const bounds = [0];
  // interior cuts stay on the quantum grid: capped at the last multiple of the quantum inside the extent
  const last = Math.floor(extent / quantum) * quantum;
  for (let w = 1; w < workers; w++) bounds.push(Math.min(last, Math.round((extent * w) / workers / quantum) * quantum));
  bounds.push(extent);
  return bounds;
}

function split(axis: number | "flat", extent: number, workers: number, quantum: number): Partition {
  if (extent < workers * quantum) return { kind: "serial", reason: "not splittable" };
  return { kind: "split", axis, extent, quantum, bounds: splitBounds(extent, workers, quantum) };
}

/** The first output axis with at least `workers` entries (for ops whose output elements are independent). */
function outerAxis(shape: readonly number[], workers: number): number {
  return shape.findIndex((d) => d >= workers);
}

/**
 * The partition of `node` across `workers` workers. `inputShape(i)` gives the shape of the node's i-th
 * input (for reductions: which axes are summed).
 */
export function partitionOf(node: Node, inputShape: (i: number) => readonly number[], workers = 2, minElements = MIN_SPLIT_ELEMENTS): Partition {
  if (NO_WORK.has(node.op)) return { kind: "serial", reason: "no work" };
  const size = sizeOf(node.shape);
  if (node.shape.length === 0) return { kind: "serial", reason: "whole-tensor result" };
  if (size < minElements) return { kind: "serial", reason: "small" };
  switch (node.op) {
    case "matmul":
      // rows of C in whole register tiles; batched: by batch
      return node.shape.length === 2 ? split(0, node.shape[0]!, workers, 4) : split(0, node.shape[0]!, workers, 1);
    case "conv2d_backward_weight":
      // dW[o] sums over every image: split the output channels, each worker walks all images in order
      return split(0, node.shape[0]!, workers, 1);
    case "scatter_add":
      // several indices may add into one row: split the columns of the table, each worker takes every index
      return split(node.shape.length - 1, node.shape[node.shape.length - 1]!, workers, 4);
    case "sum":
    case "mean":
    case "max":
    case "argmax": {
      // the output's axes are the kept ones: each output element's reduction stays on one worker
      const reduced = new Set(node.op === "argmax" ? [node.attrs.axis] : node.attrs.axes);
      const kept = inputShape(0).map((d, a) => ({ d, a })).filter((x) => !reduced.has(x.a));
      if (kept.length === 0) return { kind: "serial", reason: "whole-tensor result" };
      const axis = outerAxis(node.shape, workers);
      return axis < 0 ? { kind: "serial", reason: "not splittable" } : split(axis, node.shape[axis]!, workers, 1);
    }
  }
  if (BY_IMAGES.has(node.op)) return split(0, node.shape[0]!, workers, 1);
  if (BY_ROWS.has(node.op)) {
    const axis = outerAxis(node.shape, workers);
    return axis < 0 ? { kind: "serial", reason: "not splittable" } : split(axis, node.shape[axis]!, workers, 1);
  }
  // elementwise ops (and counter-based random draws, cast, select): element i depends only on inputs at i
  if (ops[node.op].groups.includes("elementwise") || node.op === "random_uniform" || node.op === "random_normal" || node.op === "cast" || node.op === "select")
    return split("flat", size, workers, 4);
  return { kind: "serial", reason: "not splittable" };
}
