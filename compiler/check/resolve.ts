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
  const local = closestWithDistance(name, ctx.scope.keys());
  const global = globalSuggestion(ctx.index, name);
  const best = !local ? global : !global ? local : local.d <= global.d ? local : global;
  ctx.sink.report("DLM1001", `unknown ${what} '${name}'${best ? `; did you mean '${best.name}'?` : ""}`, span);
}

/** The closest model or catalogue name. Names are bucketed by length once per program: a file may
 * declare thousands of models, and only names within the edit limit in length can be close. */
function globalSuggestion(index: ProgramIndex, name: string): { name: string; d: number } | undefined {
  // Past this many searches a file is mostly errors; suggestions stop so checking stays fast.
  const used = searches.get(index) ?? 0;
  if (used >= MAX_SUGGESTION_SEARCHES) return undefined;
  searches.set(index, used + 1);
  let buckets = bucketsOf.get(index);
  if (!buckets) {
    buckets = new Map();
    for (const n of [...index.models.keys(), ...layers.keys(), ...functions.keys()]) {
      const list = buckets.get(n.length) ?? [];
      list.push(n);
      buckets.set(n.length, list);
    }
    bucketsOf.set(index, buckets);
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  // Names with the same first letter first: a close one found early tightens the cutoff for the rest.
  const first = name[0]?.toLowerCase();
  const same: string[] = [];
  const other: string[] = [];
  for (let n = name.length - limit; n <= name.length + limit; n++)
    for (const c of buckets.get(n) ?? []) (c[0]?.toLowerCase() === first ? same : other).push(c);
  return closestWithDistance(name, [...same, ...other], true);
}

const bucketsOf = new WeakMap<ProgramIndex, Map<number, string[]>>();
const searches = new WeakMap<ProgramIndex, number>();
const MAX_SUGGESTION_SEARCHES = 50;

/** ", did you mean 'x'?" when a candidate is close enough, else "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closest(name, candidates);
  return best === undefined ? "" : `; did you mean '${best}'?`;
}

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  return closestWithDistance(name, candidates)?.name;
}

function closestWithDistance(name: string, candidates: Iterable<string>, stopAtOne = false): { name: string; d: number } | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name || c === "_" || Math.abs(c.length - name.length) > bestD) continue;
    const d = editDistance(lower, c.toLowerCase(), bestD);
    if (d > bestD) continue;
    if (best === undefined || d < bestD || c < best) {
      bestD = d;
      best = c;
    }
    // Nothing is closer than one edit (the name itself is skipped): stop searching.
    if (bestD <= 1 && stopAtOne) break;
  }
  return best === undefined ? undefined : { name: best, d: bestD };
}

/**
 * Levenshtein distance with adjacent transpositions (optimal string alignment). With `cutoff`, returns
 * cutoff + 1 as soon as the distance must exceed it. Three reused rows: no allocation per call.
 */
export function editDistance(a: string, b: string, cutoff = Infinity): number {
  const cols = b.length + 1;
  if (rows[0]!.length < cols) for (let k = 0; k < 3; k++) rows[k] = new Int32Array(cols * 2);
  let prev2 = rows[0]!;
  let prev = rows[1]!;
  let cur = rows[2]!;
  for (let j = 0; j < cols; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cutoff) return cutoff + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[cols - 1]!;
}

const rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
