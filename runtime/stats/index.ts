// dlm/runtime statistics for judging trained models: PCA baseline, AUROC of anomaly scores, class entropy
// and confidence of generated samples.

export type { Pca } from "./pca.js";
export { covariance, fitPca, pcaReconstructionMse, symmetricEigen, topEigen } from "./pca.js";
export { auroc } from "./auroc.js";
export type { ClassJudgement } from "./classes.js";
export { histogramEntropy, judgeLogits } from "./classes.js";
