// Name resolution: the program's top-level declarations, the lookup order inside a body, and
// "did you mean" suggestions by edit distance.
//
// Inside a model or train body a name is, in order: a local binding, input or model param (the scope),
// a model declared in the file, a catalogue layer, a catalogue function. A name not found but bound later
// in the same body is "used before it is bound"; otherwise it is unknown, with the closest known name.

import type { DataDecl, GenerateDecl, ModelDecl, Program, TrainDecl } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { functions, layers } from "./catalogue/index.js";
import type { FunctionSpec, LayerSpec } from "./catalogue/spec.js";
import type { Sink } from "./graph.js";
import type { Ctx, Entity } from "./values.js";

export interface ProgramIndex {
  models: Map<string, ModelDecl>;
  data: Map<string, DataDecl>;
  trains: TrainDecl[];
  generates: GenerateDecl[];
  /** Whether each model's generic check was free of errors (instances skip repeating its errors). */
  modelOk: Map<string, boolean>;
}

export function indexProgram(program: Program, sink: Sink): ProgramIndex {
  const index: ProgramIndex = { models: new Map(), data: new Map(), trains: [], generates: [], modelOk: new Map() };
  const seen = new Map<string, Span>();
  const declare = (name: string, span: Span): boolean => {
    const prev = seen.get(name);
    if (prev) {
      sink.report("DLM1008", `'${name}' is already declared at ${prev.start.line}:${prev.start.column}`, span);
      return false;
    }
    if (layers.has(name) || functions.has(name)) {
      sink.report("DLM1008", `'${name}' is a built-in ${layers.has(name) ? "layer" : "function"}; choose another name`, span);
      return false;
    }
    seen.set(name, span);
    return true;
  };
  for (const item of program.items) {
    if (item.kind === "ModelDecl") {
      if (declare(item.name.name, item.name.span)) index.models.set(item.name.name, item);
    } else if (item.kind === "DataDecl") {
      if (declare(item.name.name, item.name.span)) index.data.set(item.name.name, item);
    } else if (item.kind === "TrainDecl") index.trains.push(item);
    else index.generates.push(item);
  }
  return index;
}

export type Resolved =
  | Entity
  | { kind: "model"; decl: ModelDecl }
  | { kind: "layerSpec"; spec: LayerSpec }
  | { kind: "function"; spec: FunctionSpec };

/** Looks a name up without reporting; marks a binding as used. */
export function lookup(ctx: Ctx, name: string): Resolved | undefined {
  const e = ctx.scope.get(name);
  if (e) {
    if ((e.kind === "value" || e.kind === "layer") && e.binding) e.binding.used = true;
    return e;
  }
  const m = ctx.index.models.get(name);
  if (m) return { kind: "model", decl: m };
  const l = layers.get(name);
  if (l) return { kind: "layerSpec", spec: l };
  const f = functions.get(name);
  if (f) return { kind: "function", spec: f };
  return undefined;
}

/** Reports an unresolvable name: bound later, or unknown with a suggestion. */
export function reportUnknown(ctx: Ctx, name: string, span: Span, what = "name"): void {
  const later = ctx.later.get(name);
  if (later) {
    ctx.usedEarly.add(name);
    ctx.sink.report("DLM1010", `'${name}' is used before it is bound (at ${later.start.line}:${later.start.column})`, span);
    return;
  }
  const candidates = [...ctx.scope.keys(), ...ctx.index.models.keys(), ...layers.keys(), ...functions.keys()];
  ctx.sink.report("DLM1001", `unknown ${what} '${name}'${didYouMean(name, candidates)}`, span);
}

/** ", did you mean 'x'?" when a candidate is close enough, else "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closest(name, candidates);
  return best === undefined ? "" : `; did you mean '${best}'?`;
}

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const c of candidates) {
    if (c === name || c === "_") continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  return d[rows * cols - 1]!;
}
