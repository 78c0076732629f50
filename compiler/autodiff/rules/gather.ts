// Gradient rules of the indexing ops. Each gather-like op and its scatter-add are adjoint, so each one's
// gradient is the other; indices (i32) get none.

import type { RuleTable } from "../rule.js";

export const gatherRules: RuleTable<"gather" | "scatter_add" | "take_along_axis" | "scatter_along_axis"> = {
  gather: ({ b, node, dy }) => [b.scatterAdd(dy, node.inputs[1]!, b.shape(node.inputs[0]!)[0]!), null],
  scatter_add: ({ b, node, dy }) => [b.gather(dy, node.inputs[1]!), null],
  take_along_axis: ({ b, node, dy }) => {
    const { axis, ignore } = node.attrs;
    return [b.emit("scatter_along_axis", [dy, node.inputs[1]!], { axis, size: b.shape(node.inputs[0]!)[axis]!, ignore }), null];
  },
  scatter_along_axis: ({ b, node, dy }) => {
    const { axis, ignore } = node.attrs;
    return [b.emit("take_along_axis", [dy, node.inputs[1]!], { axis, ignore }), null];
  },
};
