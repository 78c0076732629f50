// One case per op that ops.ts marks non-differentiable (sources excepted): the output depends on the f32
// inputs only through that op, so `differentiate` must report every input as independent and append no
// nodes. The completeness test requires one such case per non-differentiable op.

import type { NodeId } from "../../../compiler/ir/graph.js";
import type { OpName } from "../../../compiler/ir/op-attrs.js";
import type { Builder } from "../../../compiler/ir/builder.js";

export interface NoFlowCase {
  op: OpName;
  /** f32 inputs (the wrt set) and their shapes. */
  inputs: Record<string, number[]>;
  build(b: Builder, x: Record<string, NodeId>): NodeId;
}

export const noFlowCases: NoFlowCase[] = [
  { op: "sign", inputs: { x: [3] }, build: (b, { x }) => b.unary("sign", x!) },
  { op: "greater", inputs: { x: [3], y: [3] }, build: (b, { x, y }) => b.binary("greater", x!, y!) },
  { op: "equal", inputs: { x: [2, 2], y: [2] }, build: (b, { x, y }) => b.binary("equal", x!, y!) },
  { op: "cast", inputs: { x: [4] }, build: (b, { x }) => b.cast(b.cast(x!, "i32"), "f32") },
  { op: "argmax", inputs: { x: [2, 3] }, build: (b, { x }) => b.cast(b.argmax(x!, 1), "f32") },
  { op: "stop_gradient", inputs: { x: [2, 3] }, build: (b, { x }) => b.exp(b.stopGradient(x!)) },
  {
    op: "max_pool2d_backward", inputs: { x: [1, 1, 4, 4], dy: [1, 1, 2, 2] },
    build: (b, { x, dy }) => b.emit("max_pool2d_backward", [x!, dy!], { kernel: [2, 2], stride: [2, 2], pad: [0, 0] }),
  },
  {
    op: "random_uniform", inputs: { x: [2] },
    build: (b, { x }) => b.randomUniform(b.cast(b.sum(x!), "i32"), [3], 0),
  },
  {
    op: "random_normal", inputs: { x: [2] },
    build: (b, { x }) => b.randomNormal(b.cast(b.sum(x!), "i32"), [3], 0),
  },
];
