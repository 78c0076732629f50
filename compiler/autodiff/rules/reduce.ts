// Gradient rules of reductions: the gradient of a reduced value spreads back over the reduced axes. For max,
// it goes to the elements equal to the maximum, split evenly among ties (as PyTorch's amax does).

import type { RuleTable } from "../rule.js";
import { expandReduced } from "./shared.js";

export const reduceRules: RuleTable<"sum" | "mean" | "max"> = {
  sum: ({ b, node, dy }) => [expandReduced(b, dy, node.attrs.axes, b.shape(node.inputs[0]!))],
  mean: ({ b, node, dy }) => {
    const shape = b.shape(node.inputs[0]!);
    const count = node.attrs.axes.reduce((n, k) => n * shape[k]!, 1);
    return [expandReduced(b, b.scale(dy, 1 / count), node.attrs.axes, shape)];
  },
  max: ({ b, node, dy }) => {
    const x = node.inputs[0]!;
    const shape = b.shape(x);
    const { axes } = node.attrs;
    const mask = b.binary("equal", x, expandReduced(b, node.id, axes, shape));
    const share = b.div(mask, b.sum(mask, axes, true));
    return [b.mul(share, expandReduced(b, dy, axes, shape))];
  },
};
