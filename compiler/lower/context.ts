// The state one lowering run shares across its per-op rules: the builder, the checker value → IR node map,
// the bound dims, the mode, and the hooks the caller supplies for parameters, inputs and the step counter.
//
// Design note: per-op rules never throw on user input. A rule that meets something it cannot lower throws
// `LowerError` (with a diagnostic code); `lowerGraph` catches it at the op, reports it with the op's span
// and stops lowering that graph. IrErrors from the builder (a rule bug) are caught the same way as
// DLM4011, so a lowering bug is a diagnostic, never a crash of the compiler.

import type { DiagnosticCode } from "../../grammar/diagnostics.js";
import type { Builder } from "../ir/builder.js";
import type { NodeId } from "../ir/graph.js";
import type { Dim } from "../check/dims.js";
import { dimSubst, dimValue, formatDim } from "../check/dims.js";
import type { Config, ConfigValue, Op } from "../check/types.js";

export type Mode = "train" | "eval";

export class LowerError extends Error {
  constructor(readonly code: DiagnosticCode, message: string) {
    super(message);
    this.name = "LowerError";
  }
}

export interface LowerCtx {
  b: Builder;
  mode: Mode;
  /** Losses and metrics as per-example values f32[batch] (the `evaluate` graph) instead of scalars. */
  perExample: boolean;
  /** Concrete value of a dim under the graph's bindings; throws LowerError DLM4012 when symbolic. */
  dim(d: Dim | ConfigValue | undefined, what: string): number;
  /** The IR node reading a parameter or buffer tensor (by its full name). */
  param(name: string): NodeId;
  /** The i32 scalar step counter random ops draw from (created on first use). */
  step(): NodeId;
  /** The random stream of the call site with this checker op id (the block's seed folded in). */
  stream(opId: number): number;
  /** BatchNorm running-stat updates produced in train mode: state name := node. */
  bufferUpdates: Array<{ state: string; node: NodeId }>;
}

/** A per-op rule: the op and its input nodes (parallel to op.inputs) → one node per op output. */
export type OpRule = (ctx: LowerCtx, op: Op, ins: NodeId[]) => NodeId[];

export function makeDim(bind: ReadonlyMap<string, Dim>): LowerCtx["dim"] {
  return (d, what) => {
    if (typeof d === "number") return d;
    if (d === null || d === undefined || typeof d !== "object" || Array.isArray(d)) {
      throw new LowerError("DLM4012", `${what} has no value at lowering`);
    }
    const v = dimValue(dimSubst(d, bind));
    if (v === undefined) throw new LowerError("DLM4012", `${what} is ${formatDim(dimSubst(d, bind))}, which is not bound to a number`);
    return v;
  };
}

// ---- config readers ----------------------------------------------------------------------------------

export function cfgNumber(ctx: LowerCtx, cfg: Config, name: string, fallback?: number): number {
  const v = cfg[name];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new LowerError("DLM4011", `missing configuration '${name}'`);
    return fallback;
  }
  if (typeof v === "boolean" || typeof v === "string" || Array.isArray(v)) throw new LowerError("DLM4011", `configuration '${name}' is not a number`);
  return ctx.dim(v, `'${name}'`);
}

/** An int or a list of n ints (`kernel: 3` or `kernel: [3, 5]`). */
export function cfgInts(ctx: LowerCtx, cfg: Config, name: string, n: number, fallback: number): number[] {
  const v = cfg[name];
  if (v === undefined || v === null) return Array.from({ length: n }, () => fallback);
  if (Array.isArray(v)) return Array.from({ length: n }, (_, i) => ctx.dim(v[i] ?? v[0], `'${name}'`));
  return Array.from({ length: n }, () => ctx.dim(v, `'${name}'`));
}

export function cfgBool(cfg: Config, name: string, fallback: boolean): boolean {
  const v = cfg[name];
  return typeof v === "boolean" ? v : fallback;
}

/** The parameter node of a layer op by role (`weight`, `bias`…), or undefined when the layer has none. */
export function paramOf(ctx: LowerCtx, op: Op, role: string): NodeId | undefined {
  const name = op.params?.[role];
  return name === undefined ? undefined : ctx.param(name);
}

export function requireParam(ctx: LowerCtx, op: Op, role: string): NodeId {
  const p = paramOf(ctx, op, role);
  if (p === undefined) throw new LowerError("DLM4011", `${op.op} has no '${role}' parameter`);
  return p;
}

/** The input with the given role (`x`, `target`, `initial.0`), or undefined. */
export function inputOf(op: Op, ins: NodeId[], role: string): NodeId | undefined {
  const i = op.inputRoles.indexOf(role);
  return i < 0 ? undefined : ins[i];
}

/** Axis normalised against a rank (the checker validated it; negative counts from the end). */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
