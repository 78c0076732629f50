// Vision post-processing: boxes, grid decoding, non-maximum suppression, instance masks, average precision.

export type { Box } from "./boxes.js";
export { boxArea, boxFromCenter, boxIou } from "./boxes.js";
export type { Detection, GridShape, GroundTruth } from "./grid.js";
export { decodeGrid, gridTargets } from "./grid.js";
export type { NmsOptions } from "./nms.js";
export { nms } from "./nms.js";
export type { ClassBox } from "./masks.js";
export { argmaxMap, boxMask, instanceMasks, maskIou } from "./masks.js";
export type { ApImage, MeanApResult, Scored } from "./average-precision.js";
export { averagePrecision, meanAveragePrecision } from "./average-precision.js";
export type { DetectionMetricConfig, MaskMetricConfig } from "./task-metrics.js";
export { detectionMapAggregator, maskMapAggregator, rowWidth } from "./task-metrics.js";
