// Gradient rules of pooling and nearest upsampling. avg pooling and upsampling are linear, so the backward
// op's own gradient is the forward op again (they are each other's adjoints). max_pool2d_backward has no
// rule: ops.ts marks it non-differentiable (second derivatives of max pooling are not needed).

import type { PoolAttrs } from "../../ir/op-attrs.js";
import type { RuleTable } from "../rule.js";

const pool = (a: PoolAttrs): PoolAttrs => ({ kernel: a.kernel, stride: a.stride, pad: a.pad });

export const poolRules: RuleTable<"max_pool2d" | "avg_pool2d" | "avg_pool2d_backward" | "upsample_nearest2d" | "upsample_nearest2d_backward"> = {
  max_pool2d: ({ b, node, dy }) => [b.emit("max_pool2d_backward", [node.inputs[0]!, dy], pool(node.attrs))],
  avg_pool2d: ({ b, node, dy }) => {
    const [, , h, w] = b.shape(node.inputs[0]!) as [number, number, number, number];
    return [b.emit("avg_pool2d_backward", [dy], { ...pool(node.attrs), inputSize: [h, w] })];
  },
  avg_pool2d_backward: ({ b, node, dy }) => [b.emit("avg_pool2d", [dy], pool(node.attrs))],
  upsample_nearest2d: ({ b, node, dy }) => [b.emit("upsample_nearest2d_backward", [dy], { scale: node.attrs.scale })],
  upsample_nearest2d_backward: ({ b, node, dy }) => [b.emit("upsample_nearest2d", [dy], { scale: node.attrs.scale })],
};
