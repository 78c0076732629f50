// A body of bindings (a model's, or a train block's): SSA names in order, outputs, unused warnings.
//
// Each name is bound once (rebinding is an error); a binding whose value constructs a layer names that
// layer instance instead of computing a value. Outputs are checked against their declared types when
// bound. At the end: outputs never bound are errors; names never used are warnings (only where
// `ctx.warnUnused`, i.e. not while inlining a model a second time).

import type { Binding, Pattern } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { constructNamed } from "./apply.js";
import { fmtType } from "./catalogue/spec.js";
import { dimSubst, shapeEquals } from "./dims.js";
import { evalValue } from "./expr.js";
import type { TensorType } from "./types.js";
import { unknown, type BindingInfo, type Ctx, type Val } from "./values.js";

export interface OutputSlot {
  name: string;
  /** The declared type (undefined when the declaration itself had an error). */
  type: TensorType | undefined;
  span: Span;
  value?: Val;
}

export interface BodyState {
  outputs: Map<string, OutputSlot>;
  bindings: BindingInfo[];
}

/** Collects the names a list of bindings will bind, for "used before it is bound". */
export function collectLater(ctx: Ctx, stmts: readonly { kind: string }[]): void {
  for (const s of stmts) if (s.kind === "Binding") for (const [name, span] of patternNames((s as Binding).target)) ctx.later.set(name, span);
}

function patternNames(p: Pattern, out: Array<[string, Span]> = []): Array<[string, Span]> {
  if (p.kind === "NamePattern") out.push([p.name.name, p.name.span]);
  else if (p.kind === "TuplePattern") for (const e of p.elements) patternNames(e, out);
  return out;
}

export function evalBinding(ctx: Ctx, b: Binding, state: BodyState): void {
  for (const [name] of patternNames(b.target)) ctx.later.delete(name);
  if (b.target.kind === "NamePattern") {
    const name = b.target.name.name;
    const layer = constructNamed(ctx, b.value, name);
    if (layer !== "not-a-layer") {
      if (state.outputs.has(name)) {
        ctx.sink.report("DLM2012", `output '${name}' must be a tensor, but it is bound to a layer; apply the layer to a value`, b.value.span);
        state.outputs.get(name)!.value = unknown;
      }
      if (!declare(ctx, name, b.target.name.span)) return;
      const info: BindingInfo = { name, span: b.target.name.span, used: false, isOutput: state.outputs.has(name) };
      state.bindings.push(info);
      if (layer) ctx.scope.set(name, { kind: "layer", layer, binding: info });
      else ctx.scope.set(name, { kind: "value", val: unknown, binding: info });
      return;
    }
  }
  bindPattern(ctx, b.target, evalValue(ctx, b.value), state, b.value.span);
}

function declare(ctx: Ctx, name: string, span: Span): boolean {
  const prev = ctx.scope.get(name);
  if (!prev) return true;
  const what =
    prev.kind === "param" ? "a model param" : prev.kind === "dim" ? "the batch dim" : prev.binding ? `bound at ${prev.binding.span.start.line}:${prev.binding.span.start.column}` : originWord(prev);
  ctx.sink.report("DLM1002", `'${name}' is already ${what}; names are bound once`, span);
  return false;
}

function originWord(e: { kind: string; val?: Val }): string {
  const o = e.val?.kind === "tensor" ? (e.val.origin ?? "") : "";
  return o.startsWith("data field") ? "a data field" : o.startsWith("model output") ? "a model output" : "a model input";
}

function bindPattern(ctx: Ctx, p: Pattern, v: Val, state: BodyState, valueSpan: Span): void {
  if (p.kind === "WildcardPattern") return;
  if (p.kind === "TuplePattern") {
    if (v.kind === "unknown") {
      for (const e of p.elements) bindPattern(ctx, e, unknown, state, valueSpan);
      return;
    }
    if (v.kind !== "tuple" || v.elements.length !== p.elements.length) {
      const got = v.kind === "tuple" ? `a tuple of ${v.elements.length}` : v.kind === "tensor" ? fmtType(v) : "a number";
      ctx.sink.report("DLM2011", `cannot unpack ${got} into ${p.elements.length} names`, p.span);
      for (const e of p.elements) bindPattern(ctx, e, unknown, state, valueSpan);
      return;
    }
    p.elements.forEach((e, i) => bindPattern(ctx, e, v.elements[i]!, state, valueSpan));
    return;
  }
  const name = p.name.name;
  if (!declare(ctx, name, p.name.span)) return;
  const out = state.outputs.get(name);
  const info: BindingInfo = { name, span: p.name.span, used: false, isOutput: out !== undefined };
  state.bindings.push(info);
  const named: Val = v.kind === "tensor" ? { ...v, origin: `'${name}'` } : v;
  ctx.scope.set(name, { kind: "value", val: named, binding: info });
  if (out) {
    out.value = v;
    checkOutput(ctx, out, v, valueSpan);
  }
}

function checkOutput(ctx: Ctx, out: OutputSlot, v: Val, valueSpan: Span): void {
  if (v.kind === "unknown" || !out.type) return;
  if (v.kind !== "tensor") {
    ctx.sink.report("DLM2012", `output '${out.name}' is declared ${fmtType(out.type)} but the value bound to it is ${v.kind === "tuple" ? "a tuple" : "a number"}`, valueSpan);
    return;
  }
  const declared = { dtype: out.type.dtype, shape: out.type.shape.map((d) => dimSubst(d, ctx.dims)) };
  if (declared.dtype !== v.dtype || !shapeEquals(declared.shape, v.shape))
    ctx.sink.report("DLM2002", `output '${out.name}' is declared ${fmtType(declared)} but the value bound to it is ${fmtType(v)}`, out.span);
}

/** End of a body: outputs never bound, names never used. */
export function finishBody(ctx: Ctx, state: BodyState): void {
  for (const out of state.outputs.values())
    if (!out.value) ctx.sink.report("DLM1003", `output '${out.name}' is declared but never bound`, out.span);
  if (!ctx.warnUnused) return;
  for (const b of state.bindings) {
    if (b.used || b.isOutput || b.name === "_" || ctx.usedEarly.has(b.name)) continue;
    const e = ctx.scope.get(b.name);
    // A value that is unknown came from an error already reported.
    if (e?.kind === "value" && e.val.kind === "unknown") continue;
    if (e?.kind === "layer") ctx.sink.report("DLM8002", `layer '${b.name}' is defined but never applied`, b.span);
    else ctx.sink.report("DLM8001", `'${b.name}' is computed but never used`, b.span);
  }
}
