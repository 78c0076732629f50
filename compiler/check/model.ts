// Models: their params, the generic check (params at their defaults, symbolic dims), elaboration with
// concrete values, and inlining a model used as a layer inside another model or a train block.
//
// One evaluator serves all three: `instantiate` binds params and inputs, then walks the body. Inlining
// runs the body again under the instance's path prefix, with the submodel's input symbols unified with
// the caller's shapes (its B, T become the caller's dims). Errors that only appear for a particular
// instance are reported where they occur, naming the instance; errors the generic check of the submodel
// already reported are not repeated.

import type { Arg, Expr, InputDecl, ModelDecl, OutputDecl } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { bindArgs, evalConst, evalDim } from "./args.js";
import { collectLater, evalBinding, finishBody, type BodyState, type OutputSlot } from "./body.js";
import type { ArgKind, ArgSpec } from "./catalogue/spec.js";
import { fmtType, isDim } from "./catalogue/spec.js";
import { dimConst, dimEquals, dimSubst, dimSym, dimSymbols, dimValue, solveLinear, type Dim } from "./dims.js";
import { GraphBuilder, Sink } from "./graph.js";
import { closest, type ProgramIndex } from "./resolve.js";
import type { CheckedModel, Config, ConfigValue, DType, ElaboratedGraph, ModelParamInfo, NamedValue, TensorType } from "./types.js";
import { tensorVal, unknown, type Ctx, type LayerRef, type ParamValue, type Val } from "./values.js";

export function newCtx(index: ProgramIndex, g: GraphBuilder, sink: Sink, prefix = "", stack: string[] = []): Ctx {
  return { index, g, sink, prefix, counters: new Map(), scope: new Map(), later: new Map(), usedEarly: new Set(), dims: new Map(), symbols: new Set(), stack, warnUnused: false };
}

const paramKinds: Record<string, ArgKind> = { int: "int", float: "float", bool: "bool", string: "string" };

const specCache = new WeakMap<ModelDecl, ArgSpec[]>();

/** A model's params as argument specs (defaults evaluated; errors are reported by the generic check). */
export function modelArgSpecs(decl: ModelDecl): ArgSpec[] {
  const cached = specCache.get(decl);
  if (cached) return cached;
  const specs = paramSpecs(decl, new Sink());
  specCache.set(decl, specs);
  return specs;
}

function paramSpecs(decl: ModelDecl, sink: Sink): ArgSpec[] {
  const ctx = newCtx({ models: new Map(), data: new Map(), trains: [], generates: [], modelOk: new Map() }, new GraphBuilder(), sink);
  const specs: ArgSpec[] = [];
  for (const p of decl.params) {
    const kind = paramKinds[p.type.name];
    if (!kind) {
      sink.report("DLM2013", `unknown param type '${p.type.name}'; use int, float, bool or string`, p.type.span);
      continue;
    }
    if (specs.some((s) => s.name === p.name.name)) {
      sink.report("DLM1002", `model param '${p.name.name}' is declared twice`, p.name.span);
      continue;
    }
    const spec: ArgSpec = { name: p.name.name, kind };
    if (p.default) {
      const v = evalConst(ctx, decl.name.name, p.name.name, kind, undefined, p.default);
      spec.default = v === undefined ? null : v;
    }
    specs.push(spec);
  }
  return specs;
}

export function paramValueOf(kind: ArgKind, v: ConfigValue): ParamValue {
  if (kind === "int") return { type: "int", dim: typeof v === "number" ? dimConst(v) : isDim(v) ? v : dimConst(0) };
  if (kind === "bool") return { type: "bool", value: typeof v === "boolean" ? v : null };
  if (kind === "string") return { type: "string", value: typeof v === "string" ? v : null };
  return { type: "float", value: typeof v === "number" ? v : null };
}

/** `train CharGpt(vocab: 96) on …`: a model's params given at a use site, checked against its declaration. */
export function modelArgs(ctx: Ctx, decl: ModelDecl, args: readonly Arg[], span: Span): Config | undefined {
  const specs = modelArgSpecs(decl);
  const before = ctx.sink.errorCount;
  const bound = bindArgs(ctx, decl.name.name, specs, args, span);
  const out: Config = {};
  for (const s of specs) {
    const b = bound.get(s.name);
    const v = b ? evalConst(ctx, decl.name.name, s.name, s.kind, s.words, b.exprs[0]!) : undefined;
    if (v !== undefined && v !== null) out[s.name] = v;
  }
  return ctx.sink.errorCount === before ? out : undefined;
}

/** Param values as config values (an int param that is still symbolic stays a Dim). */
export function paramArgs(params: Map<string, ParamValue>): Config {
  const out: Config = {};
  for (const [k, v] of params) out[k] = v.type === "int" ? (dimValue(v.dim) ?? v.dim) : v.value;
  return out;
}

/** Evaluates a declared tensor type; unknown names in dims become symbols. */
export function evalTensorType(ctx: Ctx, t: { dtype: { name: string; span: Span }; dims: Expr[] }): TensorType | undefined {
  const dt = t.dtype.name;
  let ok = true;
  if (dt !== "f32" && dt !== "i32") {
    const s = closest(dt, ["f32", "i32"]);
    ctx.sink.report("DLM2013", `unknown dtype '${dt}'; use f32 or i32${s ? ` (did you mean '${s}'?)` : ""}`, t.dtype.span);
    ok = false;
  }
  const shape: Dim[] = [];
  for (const e of t.dims) {
    const d = evalDim(ctx, e, "decl", () => {
      ctx.sink.report("DLM2009", "a dim must be an integer, a name or + - * / of those", e.span);
      return undefined;
    });
    if (!d) ok = false;
    else shape.push(d);
  }
  return ok ? { dtype: dt as DType, shape } : undefined;
}

interface Instance {
  inputs: NamedValue[];
  outputs: Map<string, OutputSlot>;
}

/**
 * Evaluates a model body in `ctx` (params already in scope). `given` supplies input values (inlining);
 * without it the inputs become graph inputs of their declared types.
 */
function runBody(ctx: Ctx, decl: ModelDecl, given?: { values: Val[]; label: string; span: Span; outer: Sink }): Instance | undefined {
  const inputs: NamedValue[] = [];
  const inputDecls = decl.body.filter((s): s is InputDecl => s.kind === "InputDecl");
  const outputDecls = decl.body.filter((s): s is OutputDecl => s.kind === "OutputDecl");
  if (given && given.values.length !== inputDecls.length) {
    const names = inputDecls.map((i) => i.name.name).join(", ");
    given.outer.report("DLM1006", `${given.label} takes ${inputDecls.length} input${inputDecls.length === 1 ? "" : "s"} (${names}), got ${given.values.length}`, given.span);
    return undefined;
  }
  let broken = false;
  inputDecls.forEach((inp, i) => {
    const name = inp.name.name;
    if (ctx.scope.has(name)) {
      ctx.sink.report("DLM1002", `'${name}' is already declared in ${decl.name.name}`, inp.name.span);
      return;
    }
    const t = evalTensorType(ctx, inp.type);
    for (const d of t?.shape ?? []) dimSymbols(d, ctx.symbols);
    if (!given) {
      const shape = t ? t.shape.map((d) => dimSubst(d, ctx.dims)) : [];
      const id = ctx.g.input();
      const v: Val = t ? tensorVal(id, t.dtype, shape, `model input '${name}'`) : unknown;
      if (t) inputs.push({ name, id, dtype: t.dtype, shape });
      ctx.scope.set(name, { kind: "value", val: v });
      return;
    }
    const v = given.values[i]!;
    if (!t || v.kind === "unknown") {
      broken = true;
      ctx.scope.set(name, { kind: "value", val: unknown });
      return;
    }
    if (v.kind !== "tensor") {
      given.outer.report("DLM2012", `${given.label} input '${name}' must be a tensor ${fmtType(t)}`, given.span);
      broken = true;
      return;
    }
    if (!unify(t, v, ctx.dims)) {
      const declared = { dtype: t.dtype, shape: t.shape.map((d) => dimSubst(d, ctx.dims)) };
      given.outer.report("DLM2002", `${given.label} input '${name}' is declared ${fmtType(declared)} but is given ${fmtType(v)}`, given.span);
      broken = true;
      return;
    }
    ctx.scope.set(name, { kind: "value", val: { ...v, origin: `model input '${name}'` } });
  });
  if (broken) return undefined;
  const outputs = new Map<string, OutputSlot>();
  for (const o of outputDecls) {
    if (outputs.has(o.name.name) || ctx.scope.get(o.name.name)?.kind === "param") {
      ctx.sink.report("DLM1002", `'${o.name.name}' is already declared in ${decl.name.name}`, o.name.span);
      continue;
    }
    outputs.set(o.name.name, { name: o.name.name, type: evalTensorType(ctx, o.type), span: o.type.span });
  }
  const state: BodyState = { outputs, bindings: [] };
  const stmts = decl.body.filter((s) => s.kind === "Binding");
  collectLater(ctx, stmts);
  for (const s of stmts) if (s.kind === "Binding") evalBinding(ctx, s, state);
  finishBody(ctx, state);
  return { inputs, outputs };
}

/** Binds the declared input's symbols to the given tensor's dims; false on a mismatch. */
export function unify(declared: TensorType, actual: TensorType, dims: Map<string, Dim>): boolean {
  if (declared.dtype !== actual.dtype || declared.shape.length !== actual.shape.length) return false;
  for (let i = 0; i < declared.shape.length; i++) {
    const d = dimSubst(declared.shape[i]!, dims);
    const a = actual.shape[i]!;
    if (dimEquals(d, a)) continue;
    const solved = solveLinear(declared.shape[i]!, a, dims);
    if (!solved) return false;
    dims.set(solved.name, solved.dim);
  }
  return true;
}

/** Inlining depth bound: a chain of models using models is inlined, so it must stay shallow. */
export const MAX_MODEL_NESTING = 32;

/** Applies a model instance: its body inlined under the instance path. */
export function inlineModel(ctx: Ctx, ref: LayerRef & { kind: "model" }, inputs: Val[], span: Span): Val {
  const name = ref.decl.name.name;
  if (ctx.stack.includes(name)) {
    ctx.sink.report("DLM1014", `model ${name} uses itself (${[...ctx.stack, name].join(" → ")})`, span);
    return unknown;
  }
  if (ctx.stack.length >= MAX_MODEL_NESTING) {
    ctx.sink.report("DLM1015", `models nest more than ${MAX_MODEL_NESTING} deep here (${ctx.stack.slice(0, 3).join(" → ")} → …)`, span);
    return unknown;
  }
  if (inputs.some((v) => v.kind === "unknown")) return unknown;
  const inner = new Sink();
  const sub = newCtx(ctx.index, ctx.g, inner, ref.path === "" ? "" : `${ref.path}.`, [...ctx.stack, name]);
  for (const [k, v] of ref.args) sub.scope.set(k, { kind: "param", name: k, param: v });
  const inst = runBody(sub, ref.decl, { values: inputs, label: ref.label, span, outer: ctx.sink });
  const at = `${span.start.line}:${span.start.column}`;
  for (const d of inner.list) if (d.severity === "error") ctx.sink.report(d.code, `${d.message} (in ${ref.label} applied at ${at})`, d.span, d.related, true);
  if (!inst) return unknown;
  const outs = [...inst.outputs.values()].map((o) => o.value ?? unknown);
  if (inner.errorCount > 0 && outs.some((o) => o.kind === "unknown")) return unknown;
  return outs.length === 1 ? outs[0]! : { kind: "tuple", elements: outs };
}

/** A model with the given param values and dim bindings, as a graph. */
export function instantiate(
  index: ProgramIndex,
  decl: ModelDecl,
  params: Map<string, ParamValue>,
  dims: Map<string, Dim>,
  sink: Sink,
  warnUnused: boolean,
): ElaboratedGraph {
  const g = new GraphBuilder();
  const ctx = newCtx(index, g, sink, "", [decl.name.name]);
  ctx.warnUnused = warnUnused;
  for (const [k, v] of dims) ctx.dims.set(k, v);
  for (const [k, v] of params) ctx.scope.set(k, { kind: "param", name: k, param: v });
  const inst = runBody(ctx, decl);
  const outputs: NamedValue[] = [];
  for (const o of inst?.outputs.values() ?? [])
    if (o.value?.kind === "tensor") outputs.push({ name: o.name, id: o.value.id, dtype: o.value.dtype, shape: o.value.shape });
  return g.finish(inst?.inputs ?? [], outputs, ctx.dims);
}

/** The generic check: params at their defaults (ints without one stay symbolic), dims symbolic. */
export function checkModel(index: ProgramIndex, decl: ModelDecl, sink: Sink): CheckedModel {
  const before = sink.errorCount;
  const specs = paramSpecs(decl, sink);
  const params = new Map<string, ParamValue>();
  const infos: ModelParamInfo[] = [];
  for (const s of specs) {
    const p = decl.params.find((x) => x.name.name === s.name)!;
    const info: ModelParamInfo = { name: s.name, type: s.kind as ModelParamInfo["type"], span: p.span };
    if (s.default !== undefined && s.default !== null) info.default = s.default;
    infos.push(info);
    params.set(s.name, s.default !== undefined && s.default !== null ? paramValueOf(s.kind, s.default) : s.kind === "int" ? { type: "int", dim: dimSym(s.name) } : paramValueOf(s.kind, null));
  }
  const graph = instantiate(index, decl, params, new Map(), sink, true);
  const ok = sink.errorCount === before;
  index.modelOk.set(decl.name.name, ok);
  const declared = (kind: "InputDecl" | "OutputDecl") =>
    decl.body
      .filter((s): s is InputDecl | OutputDecl => s.kind === kind)
      .flatMap((s) => {
        const v = (kind === "InputDecl" ? graph.inputs : graph.outputs).find((x) => x.name === s.name.name);
        return v ? [{ name: v.name, dtype: v.dtype, shape: v.shape, span: s.span }] : [];
      });
  return { name: decl.name.name, span: decl.span, params: infos, inputs: declared("InputDecl"), outputs: declared("OutputDecl"), paramCount: graph.paramCount, layers: graph.layers, graph, ok };
}

/** Param values for an instance from explicit args (by name) and defaults; reports unknown/missing. */
export function paramsFromArgs(decl: ModelDecl, args: Record<string, ConfigValue>, sink: Sink, span: Span): Map<string, ParamValue> | undefined {
  const specs = modelArgSpecs(decl);
  const out = new Map<string, ParamValue>();
  let ok = true;
  for (const k of Object.keys(args))
    if (!specs.some((s) => s.name === k)) {
      sink.report("DLM1004", `${decl.name.name} has no param '${k}'`, span);
      ok = false;
    }
  for (const s of specs) {
    const v = args[s.name] ?? s.default;
    if (v === undefined || v === null) {
      sink.report("DLM1005", `${decl.name.name} needs a value for param '${s.name}'`, span);
      ok = false;
    } else out.set(s.name, paramValueOf(s.kind, v));
  }
  return ok ? out : undefined;
}
