// The Wasm target's building blocks: a typed binaryen wrapper (the rest of the emitter never calls
// binaryen directly), kernel generators, and a loader. binaryen itself is loaded lazily, on the first
// `WasmModule.create()`.

export type { Expr, ExprType, I32, Stmt, ValueType } from "./expr.js";
export { SharedNodeError } from "./expr.js";
export type { FunctionBuilder, Local, Params } from "./func.js";
export type { FinishedModule, FinishOptions, FunctionSignature, WasmModuleOptions } from "./module.js";
export { WasmModule, WasmValidationError } from "./module.js";
export type { LoadedWasm, LoadWasmOptions, WasmMemory } from "./load.js";
export { createMemory, loadWasm, loadWasmSync, pagesFor, relaxedSimdSupported } from "./load.js";
export type { BatchMatmulFn, MatmulConfig, MatmulFn } from "./kernels/matmul.js";
export { addMatmul, batchMatmulName, MATMUL_DEFAULTS, matmulScratchBytes } from "./kernels/matmul.js";
export type { ElementwiseFn, ElementwiseSpec, EwBinaryOp, EwExpr, EwInputKind, EwUnaryOp } from "./kernels/elementwise.js";
export { addElementwise } from "./kernels/elementwise.js";
export type { ReduceFn, ReduceOp, ReduceSpec } from "./kernels/reduce.js";
export { addReduce } from "./kernels/reduce.js";
