// dlm/runtime/core: the platform-neutral runtime, everything a generated model needs to predict, train,
// and turn its checkpoint into bytes and back. No node: import anywhere in its static import graph (a
// test walks it), no DOM type, no import side effects: it runs in browsers, workers, bundlers and Node.
// Files (checkpoint files, dataset loaders, progress on stderr, PNG files) are dlm/runtime/node;
// dlm/runtime is both (see README.md, "Entries").

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
export { DataError } from "./data/errors.js";
export type { CsvOptions } from "./data/csv-parse.js";
export { CsvTable, parseCsv, parseCsvRecords } from "./data/csv-parse.js";
export type { Field, FieldArray, FieldSpec, PartialBatch } from "./data/dataset.js";
export { Batcher, Dataset } from "./data/dataset.js";
export type { DigitCanvasOptions, DigitSource } from "./data/canvases.js";
export { digitCanvases } from "./data/canvases.js";
export type { MeanStd } from "./data/series.js";
export { meanStd, onlyLabel, seriesWindows, standardizeFields, standardizeValues } from "./data/series.js";
export { ALPHABET, CharVocab, END, PAD, START, UNKNOWN, charExamples, charPairExamples, normalizeText } from "./data/text.js";
export { VOCAB_METADATA_KEY, vocabFromMetadata, vocabToMetadata } from "./data/vocab-metadata.js";
export type { NgramBaseline, NgramOptions } from "./data/ngram.js";
export { codeUnits, denseSymbols, ngramBaselines, ngramBitsPerChar } from "./data/ngram.js";
export * from "./vision/index.js";
export type { ClassJudgement, Pca } from "./stats/index.js";
export { auroc, covariance, fitPca, histogramEntropy, judgeLogits, pcaReconstructionMse, symmetricEigen, topEigen } from "./stats/index.js";
