// Gradcheck cases for matmul (all transpose flags, batched, broadcast batch dims) and the conv ops
// (stride, padding, dilation, groups, odd sizes), including the backward ops as forward ops
// (conv2d_backward_input is ConvTranspose2d's forward).

import type { GradCase } from "../harness.js";
import type { ConvOptions } from "../../../compiler/ir/builder.js";

function mm(a: number[], c: number[], transA = false, transB = false): GradCase {
  return {
    name: `matmul [${a}]·[${c}]${transA ? " transA" : ""}${transB ? " transB" : ""}`, op: "matmul",
    inputs: { a: { shape: a }, b: { shape: c } },
    build: (b, x) => b.matmul(x.a!, x.b!, { transA, transB }),
  };
}

function conv(x: number[], w: number[], o: ConvOptions, label: string): GradCase {
  return {
    name: `conv2d ${label}`, op: "conv2d", inputs: { x: { shape: x }, w: { shape: w } },
    build: (b, v) => b.conv2d(v.x!, v.w!, o),
  };
}

export const linalgCases: GradCase[] = [
  mm([3, 4], [4, 5]),
  mm([4, 3], [4, 5], true),
  mm([3, 4], [5, 4], false, true),
  mm([4, 3], [5, 4], true, true),
  mm([2, 3, 4], [2, 4, 2]),
  mm([2, 3, 4], [4, 5]),
  mm([3, 4], [2, 4, 5], false, false),
  mm([2, 1, 3, 4], [3, 5, 4], false, true),
  mm([2, 4, 3], [1, 4, 2], true),

  conv([1, 1, 5, 5], [1, 1, 3, 3], {}, "3x3 valid"),
  conv([2, 3, 5, 4], [2, 3, 3, 2], { pad: 1 }, "pad 1, odd sizes"),
  conv([1, 2, 7, 6], [3, 2, 3, 3], { stride: 2, pad: [1, 0] }, "stride 2, asymmetric pad"),
  conv([1, 2, 7, 7], [2, 2, 3, 3], { dilation: 2, pad: 2 }, "dilation 2"),
  conv([2, 4, 5, 5], [6, 2, 3, 3], { groups: 2, pad: 1 }, "groups 2"),
  conv([1, 3, 4, 4], [3, 1, 3, 3], { groups: 3, stride: [2, 1], pad: 1 }, "depthwise"),
  {
    name: "conv2d_backward_input (ConvTranspose2d) stride 2", op: "conv2d_backward_input",
    inputs: { dy: { shape: [1, 3, 3, 3] }, w: { shape: [3, 2, 3, 3] } },
    build: (b, v) => b.conv2dBackwardInput(v.dy!, v.w!, [5, 5], { stride: 2, pad: 1 }),
  },
  {
    // inputSize plays ConvTranspose2d's output_padding: 6 and 5 both give 3 under stride 2.
    name: "conv2d_backward_input stride 2, output_padding 1", op: "conv2d_backward_input",
    inputs: { dy: { shape: [1, 2, 3, 3] }, w: { shape: [2, 2, 3, 3] } },
    build: (b, v) => b.conv2dBackwardInput(v.dy!, v.w!, [6, 6], { stride: 2, pad: 1 }),
  },
  {
    name: "conv2d_backward_input groups 2, dilation", op: "conv2d_backward_input",
    inputs: { dy: { shape: [2, 4, 3, 2] }, w: { shape: [4, 1, 2, 2] } },
    build: (b, v) => b.conv2dBackwardInput(v.dy!, v.w!, [5, 4], { groups: 2, dilation: [2, 2] }),
  },
  {
    name: "conv2d_backward_weight stride 2, pad 1", op: "conv2d_backward_weight",
    inputs: { x: { shape: [2, 2, 5, 5] }, dy: { shape: [2, 3, 3, 3] } },
    build: (b, v) => b.conv2dBackwardWeight(v.x!, v.dy!, [3, 3], { stride: 2, pad: 1 }),
  },
  {
    name: "conv2d_backward_weight groups 2", op: "conv2d_backward_weight",
    inputs: { x: { shape: [1, 4, 4, 3] }, dy: { shape: [1, 2, 3, 2] } },
    build: (b, v) => b.conv2dBackwardWeight(v.x!, v.dy!, [2, 2], { groups: 2 }),
  },
];
