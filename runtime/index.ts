// dlm/runtime: everything generated training code imports, by name (no registry, no import side effects).
//
// Kernels write into caller-provided typed-array views and never allocate per call; geometry objects
// and scratch buffers are made once at module creation. runtime/ depends on nothing else in the repo.

export * from "./kernels/index.js";
export { erf, sigmoid, softplus, logSigmoid } from "./math.js";
export { Rng, createRng } from "./rng.js";
export type { AggregateKind, RowAggregator } from "./aggregate.js";
export { createAggregator } from "./aggregate.js";
export type { ArenaDtype, ArenaSlot, ArenaView } from "./arena.js";
export { ARENA_ALIGN, alignUp, carve, createArena, dtypeBytes, viewF32, viewF64, viewI32, viewU8 } from "./arena.js";
export type { InputDtype } from "./tensor-io.js";
export { InputError, checkInput, copyInput } from "./tensor-io.js";
export { TrainingError } from "./training-error.js";
export type { Checkpoint, Dtype, Tensor, TensorData, TensorSpec } from "./safetensors.js";
export { CheckpointError, bfloat16ToNumber, halfToNumber, parseSafetensors, serializeSafetensors, tensorToFloat32 } from "./safetensors.js";
export type { SaveOptions } from "./checkpoint.js";
export { loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync } from "./checkpoint.js";
export type { EpochSummary, ProgressMode, ProgressOptions, ProgressStream } from "./progress.js";
export { ProgressReporter, formatDuration, formatValue } from "./progress.js";
export { DataError } from "./data/errors.js";
export type { IdxArray, IdxData, ImageSet } from "./data/idx.js";
export { FASHION_MNIST_DIR, loadIdxImages, loadMnistIdxDir, parseIdx, readIdx } from "./data/idx.js";
export type { MnistDigits } from "./data/mnist.js";
export { loadMnist } from "./data/mnist.js";
export type { CsvOptions } from "./data/csv.js";
export { CsvTable, loadCsv, parseCsv, parseCsvRecords } from "./data/csv.js";
export type { Field, FieldArray, FieldSpec, PartialBatch } from "./data/dataset.js";
export { Batcher, Dataset } from "./data/dataset.js";
export type { DigitCanvasOptions, DigitSource } from "./data/canvases.js";
export { digitCanvases } from "./data/canvases.js";
export type { MeanStd } from "./data/series.js";
export { meanStd, onlyLabel, seriesWindows, standardizeFields, standardizeValues } from "./data/series.js";
export { ALPHABET, CharVocab, END, PAD, START, UNKNOWN, charExamples, charPairExamples, normalizeText, readText } from "./data/text.js";
export { VOCAB_METADATA_KEY, addCheckpointMetadata, readCheckpointVocab, saveVocabToCheckpoint, vocabFromMetadata, vocabToMetadata } from "./data/vocab-checkpoint.js";
export { loadMobyDick, loadUsBirths } from "./data/npm-datasets.js";
export type { NgramBaseline, NgramOptions } from "./data/ngram.js";
export { codeUnits, denseSymbols, ngramBaselines, ngramBitsPerChar } from "./data/ngram.js";
export type { PhrasePairOptions } from "./data/phrases.js";
export { loadPhrasePairs } from "./data/phrases.js";
export type { ColormapName, FromFloatOptions, GridOptions, HeatmapOptions, Image, ImageChannels } from "./image/index.js";
export { ImageError, colormapColor, createImage, encodeImagePng, heatmap, imageFromFloats, overlay, scaleImage, tileGrid, writePng } from "./image/index.js";
export * from "./vision/index.js";
export type { ClassJudgement, Pca } from "./stats/index.js";
export { auroc, covariance, fitPca, histogramEntropy, judgeLogits, pcaReconstructionMse, symmetricEigen, topEigen } from "./stats/index.js";
