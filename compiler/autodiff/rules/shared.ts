// Helpers the rule groups share: reducing a broadcast gradient back to an input's shape, and undoing a
// reduction's dropped axes.

import type { Builder } from "../../ir/builder.js";
import type { NodeId } from "../../ir/graph.js";
import { sameShape } from "../../ir/shapes.js";

/**
 * Sum `g` down to `shape` under NumPy broadcasting: leading extra axes and axes where `shape` has 1 but
 * `g` does not are summed, then the result is reshaped (dropping the leading axes). No node if equal.
 */
export function unbroadcast(b: Builder, g: NodeId, shape: readonly number[]): NodeId {
  const gs = b.shape(g);
  if (sameShape(gs, shape)) return g;
  const lead = gs.length - shape.length;
  const axes: number[] = [];
  for (let k = 0; k < gs.length; k++) {
    if (k < lead || (shape[k - lead] === 1 && gs[k] !== 1)) axes.push(k);
  }
  const s = axes.length > 0 ? b.sum(g, axes, true) : g;
  return sameShape(b.shape(s), shape) ? s : b.reshape(s, [...shape]);
}

/** Shape of x with `axes` kept as size 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, k) => (axes.includes(k) ? 1 : d));
}

/** A reduced tensor (keepdims or not) broadcast back to the full input shape. */
export function expandReduced(b: Builder, r: NodeId, axes: readonly number[], inputShape: readonly number[]): NodeId {
  const kept = keptShape(inputShape, axes);
  const rk = sameShape(b.shape(r), kept) ? r : b.reshape(r, kept);
  return sameShape(kept, inputShape) ? rk : b.broadcastTo(rk, [...inputShape]);
}
