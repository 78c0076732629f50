// The kernel set, re-exported by name for runtime/index.ts (no registry: generated code imports what
// it uses). Reference kernels are not exported from the package; tests import them directly.

export { matmul, matmulAt } from "./matmul.js";
export { batchMatmul } from "./batch-matmul.js";
export type { Conv2dGeometry } from "./conv2d-geometry.js";
export { conv2dGeometry, conv2dScratchSize, convOutputSize } from "./conv2d-geometry.js";
export { conv2d } from "./conv2d.js";
export { conv2dBackwardInput } from "./conv2d-backward-input.js";
export { conv2dBackwardWeight } from "./conv2d-backward-weight.js";
export type { Pool2dGeometry } from "./pool2d-geometry.js";
export { pool2dGeometry } from "./pool2d-geometry.js";
export { maxPool2d, maxPool2dBackward } from "./max-pool2d.js";
export { avgPool2d, avgPool2dBackward } from "./avg-pool2d.js";
export { upsampleNearest2d, upsampleNearest2dBackward } from "./upsample-nearest2d.js";
export { softmax, softmaxBackward } from "./softmax.js";
export { logSoftmax, logSoftmaxBackward } from "./log-softmax.js";
export { reduceSum, reduceMean } from "./reduce-sum.js";
export { reduceMax } from "./reduce-max.js";
export { transpose } from "./transpose.js";
export { gatherRows, scatterAddRows } from "./gather-rows.js";
export { takeAlongLastAxis, scatterAlongLastAxis, countNotIgnored } from "./take-along-last-axis.js";
export { copyStrided } from "./copy-strided.js";
export { fill, copy, axpy } from "./fill.js";
export type { UniformSource } from "./sample-logits.js";
export { sampleLogits } from "./sample-logits.js";
