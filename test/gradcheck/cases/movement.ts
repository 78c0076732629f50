// Gradcheck cases for movement and indexing ops. Index inputs are fixed, with repeats (so scatter-add
// really accumulates) and `ignore` entries.

import type { GradCase } from "../harness.js";

export const movementCases: GradCase[] = [
  { name: "reshape", op: "reshape", inputs: { x: { shape: [2, 3, 2] } }, build: (b, { x }) => b.reshape(x!, [3, 4]) },
  { name: "transpose 2d", op: "transpose", inputs: { x: { shape: [3, 4] } }, build: (b, { x }) => b.transpose(x!, [1, 0]) },
  { name: "transpose 3d cycle", op: "transpose", inputs: { x: { shape: [2, 3, 4] } }, build: (b, { x }) => b.transpose(x!, [2, 0, 1]) },
  { name: "broadcast_to leading + size-1", op: "broadcast_to", inputs: { x: { shape: [3, 1] } }, build: (b, { x }) => b.broadcastTo(x!, [2, 3, 4]) },
  { name: "broadcast_to scalar", op: "broadcast_to", inputs: { x: { shape: [] } }, build: (b, { x }) => b.broadcastTo(x!, [2, 3]) },
  { name: "slice middle", op: "slice", inputs: { x: { shape: [3, 7] } }, build: (b, { x }) => b.slice(x!, 1, 2, 5) },
  { name: "slice axis 0", op: "slice", inputs: { x: { shape: [5, 2] } }, build: (b, { x }) => b.slice(x!, 0, 0, 3) },
  {
    name: "concat axis 1, three inputs", op: "concat", inputs: { a: { shape: [2, 1] }, b: { shape: [2, 3] }, c: { shape: [2, 2] } },
    build: (b, v) => b.concat([v.a!, v.b!, v.c!], 1),
  },
  { name: "concat same input twice", op: "concat", inputs: { a: { shape: [2, 3] } }, build: (b, v) => b.concat([v.a!, v.a!], 0) },
  { name: "pad 2d", op: "pad", inputs: { x: { shape: [2, 3] } }, build: (b, { x }) => b.pad(x!, [[1, 0], [2, 1]]) },
  { name: "pad 4d spatial", op: "pad", inputs: { x: { shape: [1, 2, 2, 3] } }, build: (b, { x }) => b.pad(x!, [[0, 0], [0, 0], [1, 1], [0, 2]]) },
  {
    name: "gather rows with repeats", op: "gather",
    inputs: { t: { shape: [5, 3] }, i: { shape: [2, 3], dtype: "i32", values: [0, 4, 4, 2, 0, 1] } },
    build: (b, v) => b.gather(v.t!, v.i!),
  },
  {
    name: "scatter_add", op: "scatter_add",
    inputs: { u: { shape: [4, 2] }, i: { shape: [4], dtype: "i32", values: [1, 3, 1, 0] } },
    build: (b, v) => b.scatterAdd(v.u!, v.i!, 5),
  },
  {
    name: "take_along_axis last, with ignore", op: "take_along_axis",
    inputs: { x: { shape: [4, 5] }, i: { shape: [4], dtype: "i32", values: [2, -100, 0, 4] } },
    build: (b, v) => b.takeAlongAxis(v.x!, v.i!, -1, -100),
  },
  {
    name: "take_along_axis middle axis", op: "take_along_axis",
    inputs: { x: { shape: [2, 3, 2] }, i: { shape: [2, 2], dtype: "i32", values: [0, 2, 1, 1] } },
    build: (b, v) => b.takeAlongAxis(v.x!, v.i!, 1),
  },
  {
    name: "scatter_along_axis with ignore", op: "scatter_along_axis",
    inputs: { u: { shape: [3] }, i: { shape: [3], dtype: "i32", values: [1, 0, 7] } },
    build: (b, v) => b.scatterAlongAxis(v.u!, v.i!, 1, 4, 7),
  },
];
