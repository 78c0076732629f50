// Lowering: the checker's elaborated graphs → tensor IR, and train blocks → ModelPrograms (program/types.ts).
// `lowerProgram` is what the compiler pipeline calls; the rest is exported for tests and for the emitters
// (the schedule math, the init table).

export { lowerProgram, optimizerSpec, type LowerProgramOptions, type LowerProgramResult } from "./program.js";
export { lowerGraph, type LowerGraphOptions, type LoweredGraph } from "./graph.js";
export { LowerError, type Mode } from "./context.js";
export { initFor, fanIn } from "./init.js";
export { updateParam, momentsOf, needsBiasCorrection } from "./optimizer.js";
export { clipByGlobalNorm } from "./clip.js";
export { scheduledLr, biasCorrection, type ScheduleClock } from "./schedule.js";
export { loweredOps } from "./rules.js";
