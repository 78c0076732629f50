// Gradcheck cases for reductions and the softmax family (forward ops and their backward ops).

import type { GradCase } from "../harness.js";

export const reduceCases: GradCase[] = [
  { name: "sum all", op: "sum", inputs: { x: { shape: [3, 4] } }, build: (b, { x }) => b.sum(x!) },
  { name: "sum axis 1", op: "sum", inputs: { x: { shape: [2, 3, 4] } }, build: (b, { x }) => b.sum(x!, 1) },
  { name: "sum axes 0,2 keepdims", op: "sum", inputs: { x: { shape: [2, 3, 4] } }, build: (b, { x }) => b.sum(x!, [0, 2], true) },
  { name: "mean last", op: "mean", inputs: { x: { shape: [3, 5] } }, build: (b, { x }) => b.mean(x!, -1) },
  { name: "mean axes 0,1 keepdims", op: "mean", inputs: { x: { shape: [2, 3, 2] } }, build: (b, { x }) => b.mean(x!, [0, 1], true) },
  { name: "max last", op: "max", inputs: { x: { shape: [3, 5] } }, build: (b, { x }) => b.max(x!, -1) },
  { name: "max axis 0 keepdims", op: "max", inputs: { x: { shape: [4, 3] } }, build: (b, { x }) => b.max(x!, 0, true) },
  { name: "max all", op: "max", inputs: { x: { shape: [2, 3, 2] } }, build: (b, { x }) => b.max(x!) },
  { name: "softmax last", op: "softmax", inputs: { x: { shape: [3, 5] } }, build: (b, { x }) => b.softmax(x!, -1) },
  { name: "softmax middle axis", op: "softmax", inputs: { x: { shape: [2, 4, 3] } }, build: (b, { x }) => b.softmax(x!, 1) },
  { name: "log_softmax last", op: "log_softmax", inputs: { x: { shape: [3, 5] } }, build: (b, { x }) => b.logSoftmax(x!, -1) },
  { name: "log_softmax axis 0", op: "log_softmax", inputs: { x: { shape: [4, 3] } }, build: (b, { x }) => b.logSoftmax(x!, 0) },
  {
    // y must be a real softmax output for the formula to mean anything; d is free.
    name: "softmax_backward", op: "softmax_backward", inputs: { x: { shape: [3, 4] }, d: { shape: [3, 4] } },
    build: (b, { x, d }) => b.emit("softmax_backward", [b.softmax(x!, 1), d!], { axis: 1 }),
  },
  {
    name: "log_softmax_backward axis 0", op: "log_softmax_backward", inputs: { x: { shape: [4, 2] }, d: { shape: [4, 2] } },
    build: (b, { x, d }) => b.emit("log_softmax_backward", [b.logSoftmax(x!, 0), d!], { axis: 0 }),
  },
];
