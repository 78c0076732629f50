// Gradcheck cases for pooling and upsampling (overlapping windows, padding, odd sizes) and their backward
// ops where those have rules.

import type { GradCase } from "../harness.js";

export const poolCases: GradCase[] = [
  { name: "max_pool2d 2x2", op: "max_pool2d", inputs: { x: { shape: [2, 2, 4, 4] } }, build: (b, { x }) => b.maxPool2d(x!, 2) },
  {
    name: "max_pool2d 3x3 stride 2 pad 1, odd", op: "max_pool2d", inputs: { x: { shape: [1, 2, 5, 7] } },
    build: (b, { x }) => b.maxPool2d(x!, 3, { stride: 2, pad: 1 }),
  },
  {
    name: "max_pool2d overlapping 2x3 stride 1", op: "max_pool2d", inputs: { x: { shape: [1, 1, 4, 5] } },
    build: (b, { x }) => b.maxPool2d(x!, [2, 3], { stride: 1 }),
  },
  { name: "avg_pool2d 2x2", op: "avg_pool2d", inputs: { x: { shape: [2, 2, 4, 4] } }, build: (b, { x }) => b.avgPool2d(x!, 2) },
  {
    name: "avg_pool2d 3x3 stride 2 pad 1 (count_include_pad)", op: "avg_pool2d", inputs: { x: { shape: [1, 2, 5, 6] } },
    build: (b, { x }) => b.avgPool2d(x!, 3, { stride: 2, pad: 1 }),
  },
  {
    name: "avg_pool2d_backward", op: "avg_pool2d_backward", inputs: { dy: { shape: [1, 2, 3, 3] } },
    build: (b, { dy }) => b.emit("avg_pool2d_backward", [dy!], { kernel: [3, 3], stride: [2, 2], pad: [1, 1], inputSize: [5, 6] }),
  },
  { name: "upsample_nearest2d 2x", op: "upsample_nearest2d", inputs: { x: { shape: [1, 2, 2, 3] } }, build: (b, { x }) => b.upsampleNearest2d(x!, 2) },
  { name: "upsample_nearest2d [3, 1]", op: "upsample_nearest2d", inputs: { x: { shape: [2, 1, 2, 2] } }, build: (b, { x }) => b.upsampleNearest2d(x!, [3, 1]) },
  {
    name: "upsample_nearest2d_backward", op: "upsample_nearest2d_backward", inputs: { dy: { shape: [1, 2, 4, 6] } },
    build: (b, { dy }) => b.emit("upsample_nearest2d_backward", [dy!], { scale: [2, 3] }),
  },
];
