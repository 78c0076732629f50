// Calls and pipe stages: constructing layers, applying them, calling functions.
//
// A Capitalized callee constructs a layer instance (its args are configuration); a binding names it
// (`fc = Dense(10)` → path `fc`), otherwise it gets an anonymous path `<kind>_<n>` under the current
// prefix. Applying an instance a second time reuses its parameters: the feature size it was sized for
// on first use must agree. Models are layers too; applying one inlines its body (model.ts).

import type { Arg, Call, Expr } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { bindArgs, evalConst } from "./args.js";
import type { ErrFn, FunctionSpec, OutType, StateArg, TypedInput } from "./catalogue/spec.js";
import { fmtType, snakeCase } from "./catalogue/spec.js";
import { dimEquals, formatDim, type Dim } from "./dims.js";
import { describeVal, evalValue, materialize } from "./expr.js";
import { inlineModel, modelArgSpecs, paramValueOf } from "./model.js";
import { lookup, reportUnknown, type Resolved } from "./resolve.js";
import type { Config, ConfigValue, OpOutput, TensorType } from "./types.js";
import { tensorVal, unknown, type Ctx, type LayerRef, type ParamValue, type Val } from "./values.js";

/** A typed input whose message phrase is only built when a rule reports an error. */
function lazyInput(v: Val & { kind: "tensor" }, role?: string): TypedInput {
  return {
    dtype: v.dtype,
    shape: v.shape,
    get desc() {
      return describeVal(v, role);
    },
  };
}

/** Direct call `f(x)`, `fc(x)`, `g(z)`. */
export function callValue(ctx: Ctx, call: Call): Val {
  const name = call.callee.name;
  const r = lookup(ctx, name);
  if (!r) {
    reportUnknown(ctx, name, call.callee.span);
    return unknown;
  }
  switch (r.kind) {
    case "layer": {
      for (const a of call.args)
        if (a.name) ctx.sink.report("DLM1004", `applying '${name}' takes values only; configure a layer where it is made`, a.name.span);
      const inputs = call.args.filter((a) => !a.name).map((a) => evalValue(ctx, a.value));
      return applyLayer(ctx, r.layer, inputs, call.span);
    }
    case "function":
      return callFunction(ctx, r.spec, undefined, call.args, call.span);
    case "model":
    case "layerSpec":
      ctx.sink.report("DLM1009", `${name}(…) makes a layer; apply it to a value: x |> ${name}(…), or name it first: f = ${name}(…)`, call.callee.span);
      return unknown;
    default:
      ctx.sink.report("DLM1009", `'${name}' is not a layer or a function`, call.callee.span);
      return unknown;
  }
}

/** One pipe stage applied to the value flowing in. */
export function applyStage(ctx: Ctx, cur: Val, stage: Expr): Val {
  if (stage.kind === "ErrorExpr") return unknown;
  if (stage.kind === "Repeat") return applyRepeat(ctx, cur, stage.count, stage.body, stage.span);
  if (stage.kind !== "Name" && stage.kind !== "Call") {
    ctx.sink.report("DLM1009", "a pipe stage must be a layer, a function or repeat", stage.span);
    return unknown;
  }
  const callee = stage.kind === "Name" ? stage : stage.callee;
  const args = stage.kind === "Call" ? stage.args : [];
  const r = lookup(ctx, callee.name);
  if (!r) {
    reportUnknown(ctx, callee.name, callee.span);
    return unknown;
  }
  switch (r.kind) {
    case "layer": {
      const extra = args.filter((a) => !a.name).map((a) => evalValue(ctx, a.value));
      return applyLayer(ctx, r.layer, [cur, ...extra], stage.span);
    }
    case "function":
      return callFunction(ctx, r.spec, cur, args, stage.span);
    case "model":
    case "layerSpec": {
      const ref = construct(ctx, r, callee.name, args, stage.span);
      return ref ? applyLayer(ctx, ref, [cur], stage.span) : unknown;
    }
    default:
      ctx.sink.report("DLM1009", `'${callee.name}' is a value, not a layer or a function, so it cannot be a pipe stage`, callee.span);
      return unknown;
  }
}

function applyRepeat(ctx: Ctx, cur: Val, countExpr: Expr, body: Expr, span: Span): Val {
  const raw = evalConst(ctx, "repeat", "count", "int", undefined, countExpr);
  if (raw === undefined) return unknown;
  // A symbolic count (a model param without a value yet): one copy is checked, its parameters counted n times.
  const symbolic = typeof raw === "number" ? undefined : (raw as Dim);
  const count = typeof raw === "number" ? raw : 1;
  if (count < 1) {
    ctx.sink.report("DLM2010", `repeat needs a count of at least 1, got ${count}`, countExpr.span);
    return unknown;
  }
  const callee = body.kind === "Name" ? body : body.kind === "Call" ? body.callee : undefined;
  const r = callee && lookup(ctx, callee.name);
  if (!callee || !r) {
    if (callee) reportUnknown(ctx, callee.name, callee.span);
    else ctx.sink.report("DLM1009", "repeat takes a layer or a function", body.span);
    return unknown;
  }
  if (r.kind !== "model" && r.kind !== "layerSpec") {
    // A function or an existing instance: applied `count` times (an instance shares its weights).
    for (let i = 0; i < count && cur.kind !== "unknown"; i++) cur = applyStage(ctx, cur, body);
    return cur;
  }
  const base = anonymousPath(ctx, callee.name);
  const args = body.kind === "Call" ? body.args : [];
  for (let i = 0; i < count; i++) {
    const ref = construct(ctx, r, callee.name, args, body.span, `${base}.${symbolic ? "i" : i}`);
    if (!ref) return unknown;
    cur = applyLayer(ctx, ref, [cur], body.span);
    if (cur.kind === "unknown") return unknown;
  }
  if (symbolic) ctx.g.scaleCounts(`${base}.i`, symbolic);
  return cur;
}

function anonymousPath(ctx: Ctx, kind: string): string {
  const key = snakeCase(kind);
  const n = ctx.counters.get(key) ?? 0;
  ctx.counters.set(key, n + 1);
  return `${ctx.prefix}${key}_${n}`;
}

/** If `e` constructs a layer (`Dense(10)`, `Generator`), constructs it under the given name. */
export function constructNamed(ctx: Ctx, e: Expr, name: string): LayerRef | undefined | "not-a-layer" {
  if (e.kind !== "Name" && e.kind !== "Call") return "not-a-layer";
  const callee = e.kind === "Name" ? e : e.callee;
  if (ctx.scope.has(callee.name)) return "not-a-layer";
  const r = lookup(ctx, callee.name);
  if (!r || (r.kind !== "model" && r.kind !== "layerSpec")) return "not-a-layer";
  return construct(ctx, r, callee.name, e.kind === "Call" ? e.args : [], e.span, `${ctx.prefix}${name}`, name);
}

/** Resolves a constructor's args into a layer instance; `broken` when its configuration had errors. */
export function construct(
  ctx: Ctx,
  r: Resolved & { kind: "model" | "layerSpec" },
  kind: string,
  args: readonly Arg[],
  span: Span,
  path?: string,
  bindingName?: string,
): LayerRef | undefined {
  const p = path ?? anonymousPath(ctx, kind);
  const label = bindingName ? `${kind} '${bindingName}'` : kind;
  const before = ctx.sink.errorCount;
  if (r.kind === "model") {
    const specs = modelArgSpecs(r.decl);
    const bound = bindArgs(ctx, kind, specs, args, span);
    const values = new Map<string, ParamValue>();
    for (const s of specs) {
      const b = bound.get(s.name);
      const v = b ? evalConst(ctx, kind, s.name, s.kind, s.words, b.exprs[0]!) : s.default;
      if (v !== undefined && v !== null) values.set(s.name, paramValueOf(s.kind, v));
    }
    return { kind: "model", decl: r.decl, args: values, path: p, label, span, broken: ctx.sink.errorCount > before || values.size < specs.length };
  }
  const spec = r.spec;
  const bound = bindArgs(ctx, kind, spec.args, args, span);
  const cfg: Config = {};
  const tensors: Record<string, TypedInput | StateArg> = {};
  const tensorIds: Array<{ role: string; id: number }> = [];
  const argSpans: Record<string, Span> = {};
  let broken = false;
  for (const s of spec.args) {
    const b = bound.get(s.name);
    if (b?.span) argSpans[s.name] = b.span;
    if (s.kind === "tensor" || s.kind === "state") {
      if (!b) continue;
      const v = evalValue(ctx, b.exprs[0]!);
      const flat = flattenTensors(v);
      if (!flat) {
        if (v.kind !== "unknown") ctx.sink.report("DLM2012", `${label} argument '${s.name}' expects a tensor`, b.exprs[0]!.span);
        broken = true;
        continue;
      }
      flat.forEach((t, i) => tensorIds.push({ role: flat.length > 1 ? `${s.name}.${i}` : s.name, id: t.id }));
      const desc = `'${s.name}' is ${flat.map(fmtType).join(", ")}`;
      tensors[s.name] = s.kind === "state" ? { tensors: flat, desc } : { ...flat[0]!, desc: v.kind === "tensor" ? describeVal(v, `'${s.name}'`) : desc };
      continue;
    }
    const v = b ? evalConst(ctx, label, s.name, s.kind, s.words, b.exprs[0]!) : s.default;
    if (v === undefined) broken = true;
    else cfg[s.name] = v;
  }
  if (ctx.sink.errorCount > before) broken = true;
  return { kind: "catalogue", spec, cfg, tensors, tensorIds, path: p, label, span, argSpans, broken };
}

/** The tensors of a tensor or a (nested) tuple of tensors; undefined for anything else. */
function flattenTensors(v: Val): Array<TensorType & { id: number }> | undefined {
  if (v.kind === "tensor") return [{ dtype: v.dtype, shape: v.shape, id: v.id }];
  if (v.kind !== "tuple") return undefined;
  const out: Array<TensorType & { id: number }> = [];
  for (const e of v.elements) {
    const f = flattenTensors(e);
    if (!f) return undefined;
    out.push(...f);
  }
  return out;
}

export function applyLayer(ctx: Ctx, ref: LayerRef, inputs: Val[], span: Span): Val {
  if (ref.broken) return unknown;
  if (ref.kind === "model") return inlineModel(ctx, ref, inputs, span);
  if (inputs.length !== 1) {
    ctx.sink.report("DLM1006", `${ref.label} takes one input, got ${inputs.length}`, span);
    return unknown;
  }
  const x = inputs[0]!;
  if (x.kind === "unknown") return unknown;
  if (x.kind !== "tensor") {
    ctx.sink.report("DLM2012", `${ref.label} expects a tensor, got ${x.kind === "tuple" ? "a tuple: unpack it first, (a, b) = …" : "a number"}`, span);
    return unknown;
  }
  const err: ErrFn = (code, message, arg) => ctx.sink.report(code, message, (arg && ref.argSpans[arg]) || span);
  const input: TypedInput = lazyInput(x);
  const res = ref.spec.apply(ref.cfg, input, ref.tensors, err);
  if (!res) return unknown;
  const prev = ctx.g.layers.get(ref.path);
  if (prev) {
    if (prev.inSize && res.inSize && !dimEquals(prev.inSize, res.inSize)) {
      const at = `${prev.firstSpan.start.line}:${prev.firstSpan.start.column}`;
      ctx.sink.report(
        "DLM2006",
        `${ref.label} was first applied to ${fmtType(prev.firstInput)} (at ${at}) and here to ${fmtType(x)}: input sizes differ (${formatDim(prev.inSize)} vs ${formatDim(res.inSize)})`,
        span,
      );
      return unknown;
    }
  } else {
    ctx.g.addLayer(ref.path, ref.spec.name, withoutNulls(ref.cfg), res.params, ref.span, span, { dtype: x.dtype, shape: x.shape }, res.inSize);
  }
  const params: Record<string, string> = {};
  for (const p of res.params) params[p.role] = `${ref.path}.${p.role}`;
  const outs = flattenOut(res.out);
  const ids = ctx.g.op(ref.spec.name, [{ role: "x", id: x.id }, ...ref.tensorIds], { ...ref.cfg, ...res.config }, outs, span, { path: ref.path, params });
  return rebuild(res.out, ids);
}

function withoutNulls(cfg: Config): Config {
  return Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== null));
}

export function flattenOut(o: OutType): TensorType[] {
  return Array.isArray(o) ? o.flatMap(flattenOut) : [o];
}

/** The value for an output structure, taking op outputs in order. */
export function rebuild(o: OutType, ids: OpOutput[], at = { i: 0 }): Val {
  if (Array.isArray(o)) return { kind: "tuple", elements: o.map((x) => rebuild(x, ids, at)) };
  const out = ids[at.i++]!;
  return tensorVal(out.id, out.dtype, out.shape);
}

/** Calls a catalogue function; `piped` fills its first argument. */
export function callFunction(ctx: Ctx, spec: FunctionSpec, piped: Val | undefined, args: readonly Arg[], span: Span): Val {
  const bound = bindArgs(ctx, spec.name, spec.args, args, span, piped);
  const cfg: Config = {};
  const xs: TypedInput[] = [];
  const inputs: Array<{ role: string; id: number }> = [];
  const argSpans: Record<string, Span> = {};
  let ok = true;
  for (const s of spec.args) {
    const b = bound.get(s.name);
    if (b?.span) argSpans[s.name] = b.span;
    if (s.kind === "tensor" || s.kind === "tensor|number" || s.kind === "state") {
      if (!b) {
        if (s.default === undefined && !s.variadic) ok = false;
        continue;
      }
      const items: Array<{ val?: Val; expr?: Expr }> = [...(b.piped ? [{ val: b.piped }] : []), ...b.exprs.map((expr) => ({ expr }))];
      items.forEach((it, i) => {
        const where = it.expr?.span ?? span;
        let v = it.val ?? (it.expr ? evalValue(ctx, it.expr) : unknown);
        if (v.kind === "number") v = materialize(ctx, v, "f32", where);
        if (v.kind === "unknown") ok = false;
        else if (v.kind !== "tensor") {
          ctx.sink.report("DLM2012", `${spec.name} argument '${s.name}' expects a tensor, got a tuple: unpack it first, (a, b) = …`, where);
          ok = false;
        } else {
          const role = s.variadic ? `${s.name}.${i}` : s.name;
          xs.push(lazyInput(v, `'${s.name}'`));
          inputs.push({ role, id: v.id });
        }
      });
      continue;
    }
    const v = b ? evalConst(ctx, spec.name, s.name, s.kind, s.words, b.exprs[0]!) : s.default;
    if (v === undefined) ok = false;
    else cfg[s.name] = v as ConfigValue;
  }
  if (!ok) return unknown;
  const err: ErrFn = (code, message, arg) => ctx.sink.report(code, message, (arg && argSpans[arg]) || span);
  const out = spec.infer(cfg, xs, err);
  if (!out) return unknown;
  const ids = ctx.g.op(spec.name, inputs, withoutNulls(cfg), flattenOut(out), span);
  return rebuild(out, ids);
}
