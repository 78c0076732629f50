// dlm/runtime/node: the Node-only part of the runtime, files and the terminal: checkpoint files (atomic
// writes), dataset loaders that read files or npm packages, progress on stderr, PNG files. It does not
// repeat dlm/runtime/core; dlm/runtime exports both. Generated modules import it only dynamically, inside
// save(path) / load(path), so a browser bundle of a model never contains it.

export type { SaveOptions } from "./checkpoint.js";
export { loadCheckpoint, loadCheckpointSync, readCheckpointFile, saveCheckpoint, saveCheckpointSync, writeCheckpointFile } from "./checkpoint.js";
export type { EpochSummary, ProgressMode, ProgressOptions, ProgressStream } from "./progress.js";
export { ProgressReporter, formatDuration, formatValue } from "./progress.js";
export type { IdxArray, IdxData, ImageSet } from "./data/idx.js";
export { FASHION_MNIST_DIR, loadIdxImages, loadMnistIdxDir, parseIdx, readIdx } from "./data/idx.js";
export type { MnistDigits } from "./data/mnist.js";
export { loadMnist } from "./data/mnist.js";
export { loadCsv } from "./data/csv.js";
export { readText } from "./data/text-file.js";
export { addCheckpointMetadata, readCheckpointVocab, saveVocabToCheckpoint } from "./data/vocab-checkpoint.js";
export { loadMobyDick, loadUsBirths } from "./data/npm-datasets.js";
export type { PhrasePairOptions } from "./data/phrases.js";
export { loadPhrasePairs } from "./data/phrases.js";
export type { ColormapName, FromFloatOptions, GridOptions, HeatmapOptions, Image, ImageChannels } from "./image/index.js";
export { ImageError, colormapColor, createImage, encodeImagePng, heatmap, imageFromFloats, overlay, scaleImage, tileGrid, writePng } from "./image/index.js";
