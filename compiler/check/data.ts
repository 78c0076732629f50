// Data declarations: `data X = source(…) |> transform(…) |> …`, checked stage by stage into a
// per-example schema. Stages are iterated (a pipe may be long). `map` evaluates its expressions with the
// model expression evaluator over per-example fields (no batch axis); `split` checks its parts.

import type { Arg, DataDecl, Expr } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { bindArgs, evalConst } from "./args.js";
import { dataSources, splitArgs, transforms, type DataState } from "./catalogue/data-sources.js";
import type { ArgSpec, ErrFn } from "./catalogue/spec.js";
import { evalValue } from "./expr.js";
import { GraphBuilder, type Sink } from "./graph.js";
import { newCtx } from "./model.js";
import { didYouMean, type ProgramIndex } from "./resolve.js";
import type { CheckedData, Config, DataStep, NamedValue } from "./types.js";
import { tensorVal } from "./values.js";

const transformNames = [...transforms.map((t) => t.name), "map", "split"];

export function checkData(index: ProgramIndex, decl: DataDecl, sink: Sink): CheckedData {
  const before = sink.errorCount;
  const source = decl.value.kind === "Pipe" ? decl.value.source : decl.value;
  const stages = decl.value.kind === "Pipe" ? decl.value.stages : [];
  const out: CheckedData = { name: decl.name.name, span: decl.span, kind: "examples", fields: [], parts: [], source: { op: "", config: {}, span: source.span }, steps: [], ok: false };
  // The last good state is kept, so a train block still sees the fields after an error in a stage.
  let state = evalSource(index, source, sink, out);
  let last = state;
  for (const stage of stages) {
    if (!state) break;
    state = evalTransform(index, stage, state, sink, out);
    if (state) last = state;
  }
  if (last) {
    out.kind = last.kind;
    out.fields = last.fields;
    out.parts = last.parts;
    if (last.count !== undefined) out.count = last.count;
  }
  out.ok = state !== undefined && sink.errorCount === before;
  return out;
}

function callParts(e: Expr): { name: string; nameSpan: Span; args: readonly Arg[] } | undefined {
  if (e.kind === "Call") return { name: e.callee.name, nameSpan: e.callee.span, args: e.args };
  if (e.kind === "Name") return { name: e.name, nameSpan: e.span, args: [] };
  return undefined;
}

function resolveConfig(index: ProgramIndex, label: string, specs: readonly ArgSpec[], args: readonly Arg[], span: Span, sink: Sink): { cfg: Config; err: ErrFn; ok: boolean } {
  const ctx = newCtx(index, new GraphBuilder(), sink);
  const before = sink.errorCount;
  const bound = bindArgs(ctx, label, specs, args, span);
  const cfg: Config = {};
  const spans: Record<string, Span> = {};
  for (const s of specs) {
    const b = bound.get(s.name);
    if (b?.span) spans[s.name] = b.span;
    const v = b ? evalConst(ctx, label, s.name, s.kind, s.words, b.exprs[0]!) : s.default;
    if (v !== undefined && v !== null) cfg[s.name] = v;
  }
  const err: ErrFn = (code, message, arg) => sink.report(code, message, (arg && spans[arg]) || span);
  return { cfg, err, ok: sink.errorCount === before };
}

function evalSource(index: ProgramIndex, e: Expr, sink: Sink, out: CheckedData): DataState | undefined {
  if (e.kind === "ErrorExpr") return undefined;
  const c = callParts(e);
  if (!c) {
    sink.report("DLM1013", "a data declaration starts with a source such as mnist() or csv(…)", e.span);
    return undefined;
  }
  const spec = dataSources.find((s) => s.name === c.name);
  if (!spec) {
    const isTransform = transformNames.includes(c.name);
    const hint = isTransform ? `; ${c.name} is a transform: source |> ${c.name}(…)` : didYouMean(c.name, dataSources.map((s) => s.name));
    sink.report("DLM1013", `unknown data source '${c.name}'${hint}`, c.nameSpan);
    return undefined;
  }
  const { cfg, err, ok } = resolveConfig(index, c.name, spec.args, c.args, e.span, sink);
  out.source = { op: c.name, config: cfg, span: e.span };
  if (!ok) return undefined;
  return spec.produce(cfg, err);
}

function evalTransform(index: ProgramIndex, e: Expr, state: DataState, sink: Sink, out: CheckedData): DataState | undefined {
  if (e.kind === "ErrorExpr") return undefined;
  const c = callParts(e);
  if (!c) {
    sink.report("DLM1013", "a data stage must be a transform such as split(…) or map(…)", e.span);
    return undefined;
  }
  if (c.name === "map") return evalMap(index, c.args, e.span, state, sink, out);
  if (c.name === "split") return evalSplit(index, c.args, e.span, state, sink, out);
  const spec = transforms.find((t) => t.name === c.name);
  if (!spec) {
    const isSource = dataSources.some((s) => s.name === c.name);
    sink.report("DLM1013", `unknown data transform '${c.name}'${isSource ? `; ${c.name} is a source, it starts a pipeline` : didYouMean(c.name, transformNames)}`, c.nameSpan);
    return undefined;
  }
  if (!spec.takes.includes(state.kind)) {
    sink.report("DLM3011", `${c.name} takes ${spec.takes.map(kindText).join(" or ")}, but the data here is ${kindText(state.kind)}`, c.nameSpan);
    return undefined;
  }
  const { cfg, err, ok } = resolveConfig(index, c.name, spec.args, c.args, e.span, sink);
  out.steps.push({ op: c.name, config: cfg, span: e.span });
  if (!ok) return undefined;
  return spec.apply(state, cfg, err);
}

function kindText(k: DataState["kind"]): string {
  return k === "examples" ? "examples" : k === "series" ? "a series" : k === "chars" ? "a character stream" : "text pairs";
}

function evalMap(index: ProgramIndex, args: readonly Arg[], span: Span, state: DataState, sink: Sink, out: CheckedData): DataState | undefined {
  if (state.kind !== "examples") {
    sink.report("DLM3011", `map takes examples, but the data here is ${kindText(state.kind)}`, span);
    return undefined;
  }
  const g = new GraphBuilder();
  const ctx = newCtx(index, g, sink);
  const inputs: NamedValue[] = [];
  for (const f of state.fields) {
    const id = g.input();
    inputs.push({ name: f.name, id, dtype: f.dtype, shape: f.shape });
    ctx.scope.set(f.name, { kind: "value", val: tensorVal(id, f.dtype, f.shape, `field '${f.name}'`) });
  }
  const before = sink.errorCount;
  const fields = [...state.fields];
  const outputs: NamedValue[] = [];
  const seen = new Set<string>();
  for (const a of args) {
    if (!a.name) {
      sink.report("DLM1006", "map takes named fields: map(field: expr)", a.span);
      continue;
    }
    const name = a.name.name;
    if (seen.has(name)) {
      sink.report("DLM1007", `map: field '${name}' is given twice`, a.name.span);
      continue;
    }
    seen.add(name);
    const v = evalValue(ctx, a.value);
    if (v.kind === "number") {
      sink.report("DLM2012", `map: field '${name}' must be a tensor expression over the fields`, a.value.span);
      continue;
    }
    if (v.kind === "tuple") {
      sink.report("DLM2012", `map: field '${name}' is a tuple; unpacking is not available in map`, a.value.span);
      continue;
    }
    if (v.kind !== "tensor") continue;
    outputs.push({ name, id: v.id, dtype: v.dtype, shape: v.shape });
    const field = { name, dtype: v.dtype, shape: v.shape };
    const i = fields.findIndex((f) => f.name === name);
    if (i >= 0) fields[i] = field;
    else fields.push(field);
  }
  if (g.params.size > 0) sink.report("DLM2010", "map expressions cannot hold layers with parameters", span);
  const step: DataStep = { op: "map", config: {}, span, map: g.finish(inputs, outputs, new Map()) };
  out.steps.push(step);
  if (sink.errorCount > before) return undefined;
  return { ...state, fields };
}

function evalSplit(index: ProgramIndex, args: readonly Arg[], span: Span, state: DataState, sink: Sink, out: CheckedData): DataState | undefined {
  if (state.kind !== "examples") {
    sink.report("DLM3011", `split takes examples, but the data here is ${kindText(state.kind)}`, span);
    return undefined;
  }
  if (state.parts.length > 0) {
    sink.report("DLM3012", `the data is already split into ${state.parts.join(", ")}`, span);
    return undefined;
  }
  const { cfg, ok } = resolveConfig(index, "split", splitArgs, args, span, sink);
  out.steps.push({ op: "split", config: cfg, span });
  if (!ok) return undefined;
  const parts = ["train", "validation", "test"].filter((p) => cfg[p] !== undefined);
  const values = parts.map((p) => cfg[p]);
  const rest = values.filter((v) => v === "rest").length;
  const nums = values.filter((v): v is number => typeof v === "number");
  if (parts.length === 0) sink.report("DLM3012", "split needs at least one part: train, validation or test", span);
  else if (!parts.includes("train")) sink.report("DLM3012", "split needs a train part", span);
  else if (rest > 1) sink.report("DLM3012", "only one part can be `rest`", span);
  else if (nums.some((v) => v <= 0)) sink.report("DLM3012", "split parts must be positive", span);
  else if (rest === 0 && nums.every((v) => v < 1) && nums.reduce((a, b) => a + b, 0) > 1 + 1e-9)
    sink.report("DLM3012", `split fractions add up to ${+nums.reduce((a, b) => a + b, 0).toFixed(6)}, more than 1`, span);
  else if (rest === 0 && nums.some((v) => v >= 1) && !nums.every((v) => Number.isInteger(v)))
    sink.report("DLM3012", "split parts are either fractions below 1 or whole counts (with one part `rest`)", span);
  else if (rest === 1 && !nums.every((v) => Number.isInteger(v) && v >= 1))
    sink.report("DLM3012", "with a `rest` part, the other parts are whole example counts", span);
  else if (state.count !== undefined && nums.every((v) => Number.isInteger(v) && v >= 1) && nums.reduce((a, b) => a + b, 0) > state.count)
    sink.report("DLM3012", `split asks for ${nums.reduce((a, b) => a + b, 0)} examples but the data has ${state.count}`, span);
  return { ...state, parts };
}
