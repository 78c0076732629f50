// Gradcheck cases for ops through which no gradient flows because they are piecewise constant (or random,
// fixed by the step input): the gradient reaching x by its other path must still match finite differences,
// which shows that treating these ops as constants is right (away from their jumps).

import type { GradCase } from "../harness.js";

export const piecewiseCases: GradCase[] = [
  { name: "x·sign(x) = |x|", op: "sign", inputs: { x: { shape: [3, 4], draw: "away" } }, build: (b, { x }) => b.mul(x!, b.unary("sign", x!)) },
  {
    name: "x·greater(x, 0) = relu", op: "greater", inputs: { x: { shape: [3, 4], draw: "away" } },
    build: (b, { x }) => b.mul(x!, b.binary("greater", x!, b.scalar(0))),
  },
  {
    name: "x·equal(labels, 2)", op: "equal",
    inputs: { x: { shape: [2, 3] }, l: { shape: [2, 3], dtype: "i32", values: [2, 0, 2, 1, 2, 3] } },
    build: (b, { x, l }) => b.mul(x!, b.binary("equal", l!, b.scalar(2, "i32"))),
  },
  {
    // x in (0.2, 1) or (−1, −0.2): trunc(3x) is constant within ±1e-6 of the drawn points (almost surely).
    name: "x·cast(cast(3x, i32), f32)", op: "cast", inputs: { x: { shape: [2, 4], draw: "away" } },
    build: (b, { x }) => b.mul(x!, b.cast(b.cast(b.scale(x!, 3), "i32"), "f32")),
  },
  {
    name: "take_along_axis(x, argmax(x)) = max", op: "argmax", inputs: { x: { shape: [3, 5] } },
    build: (b, { x }) => b.takeAlongAxis(x!, b.argmax(x!, -1), -1),
  },
  {
    name: "x·random_uniform(step) (dropout-like)", op: "random_uniform",
    inputs: { x: { shape: [2, 3] }, step: { shape: [], dtype: "i32", values: [7] } },
    build: (b, { x, step }) => b.mul(x!, b.randomUniform(step!, [2, 3], 1, -1, 1)),
  },
  {
    name: "x + random_normal(step)·x²", op: "random_normal",
    inputs: { x: { shape: [4] }, step: { shape: [], dtype: "i32", values: [3] } },
    build: (b, { x, step }) => b.add(x!, b.mul(b.randomNormal(step!, [4], 2), b.unary("square", x!))),
  },
];
