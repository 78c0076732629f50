// Floating-point work of a graph, for `dlm check` and benchmarks: a multiply-add counts 2 (matmul and the
// three convolutions), every other computing op 1 per element it produces or reduces, movement and
// sources 0. An estimate of the arithmetic, not of time: memory traffic is not counted.

import type { Graph, Node } from "./graph.js";
import { ops } from "./ops.js";

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function nodeFlops(g: Graph, n: Node): number {
  const input = (i: number) => g.nodes[n.inputs[i]!]!;
  switch (n.op) {
    case "matmul": {
      const a = input(0).shape;
      const k = n.attrs.transA ? a[a.length - 2]! : a[a.length - 1]!;
      return 2 * numel(n.shape) * k;
    }
    case "conv2d":
    case "conv2d_backward_input":
    case "conv2d_backward_weight": {
      // All three do the forward convolution's multiply-adds: 2 · |dy or y| · (C/groups)·KH·KW.
      const w = n.op === "conv2d_backward_weight" ? n.shape : input(1).shape;
      const y = n.op === "conv2d" ? n.shape : n.op === "conv2d_backward_input" ? input(0).shape : input(1).shape;
      return 2 * numel(y) * w[1]! * w[2]! * w[3]!;
    }
    default: {
      const groups = ops[n.op].groups;
      if (groups.includes("source") || groups.includes("movement")) return 0;
      if (groups.includes("reduction")) return numel(input(0).shape);
      return numel(n.shape);
    }
  }
}

export function graphFlops(g: Graph): number {
  let total = 0;
  for (const n of g.nodes) total += nodeFlops(g, n);
  return total;
}
