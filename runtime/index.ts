// dlm/runtime: the whole runtime for Node, the platform-neutral core (core.ts: kernels, RNG, tensors,
// safetensors bytes, in-memory datasets, sampling) and the Node-only files part (node.ts: checkpoint
// files, dataset loaders, progress, PNG files). Imported by name; no registry, no import side effects.
// Generated modules import dlm/runtime/core only (plus dlm/runtime/node, dynamically, in save/load by
// path), so they run in browsers; this entry stays what Node scripts and older generated modules use.
//
// Kernels write into caller-provided typed-array views and never allocate per call; geometry objects
// and scratch buffers are made once at module creation. runtime/ depends on nothing else in the repo.

export * from "./core.js";
export * from "./node.js";
