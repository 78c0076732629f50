// dlm/runtime: everything generated training code imports, by name (no registry, no import side effects).
//
// Kernels write into caller-provided typed-array views and never allocate per call; geometry objects
// and scratch buffers are made once at module creation. runtime/ depends on nothing else in the repo.

export * from "./kernels/index.js";
export { erf, sigmoid, softplus, logSigmoid } from "./math.js";
