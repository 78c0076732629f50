// Call arguments: matching them to a catalogue entry's declared arguments, and evaluating the
// configuration ones to constants (ints as Dims, so a model param `d` can stay symbolic).
//
// Matching: named args by name, then positional args fill the remaining declared args in order (a
// variadic arg takes all that are left). A piped value fills the first declared arg.

import type { Arg, Expr } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import type { ArgKind, ArgSpec } from "./catalogue/spec.js";
import { dimAdd, dimConst, dimDivExact, dimFloorDiv, dimMul, dimNeg, dimSub, dimSubst, dimSym, dimValue, type Dim } from "./dims.js";
import { closest, reportUnknown } from "./resolve.js";
import type { ConfigValue } from "./types.js";
import type { Ctx, Val } from "./values.js";

export interface BoundArg {
  spec: ArgSpec;
  exprs: Expr[];
  piped?: Val;
  span?: Span;
}

/** Matches args to specs; reports unknown, duplicate, surplus and missing args. */
export function bindArgs(ctx: Ctx, label: string, specs: readonly ArgSpec[], args: readonly Arg[], span: Span, piped?: Val): Map<string, BoundArg> {
  const out = new Map<string, BoundArg>();
  const firstFree = piped ? 1 : 0;
  if (piped && specs[0]) out.set(specs[0].name, { spec: specs[0], exprs: [], piped });
  // Positional args take the declared args in order (after the piped one); a variadic arg takes the rest.
  let next = piped && !specs[0]?.variadic ? 1 : 0;
  for (const a of args) {
    if (a.name) continue;
    const spec = specs[next];
    if (!spec) {
      ctx.sink.report("DLM1006", `${label} takes at most ${specs.length - firstFree} positional argument${specs.length - firstFree === 1 ? "" : "s"}`, a.span);
      continue;
    }
    const prev = out.get(spec.name);
    if (spec.variadic && prev) {
      prev.exprs.push(a.value);
      continue;
    }
    out.set(spec.name, { spec, exprs: [a.value], span: a.span });
    if (!spec.variadic) next++;
  }
  const suggested = new Set<string>();
  for (const a of args) {
    if (!a.name) continue;
    const spec = specs.find((s) => s.name === a.name!.name);
    if (!spec) {
      const names = specs.slice(firstFree).map((s) => s.name);
      const close = closest(a.name.name, names);
      if (close) suggested.add(close);
      ctx.sink.report("DLM1004", `${label} has no argument '${a.name.name}'${close ? `; did you mean '${close}'?` : ""}`, a.name.span);
      continue;
    }
    if (out.has(spec.name)) {
      const how = piped && spec === specs[0] ? "by the value piped in" : "positionally";
      ctx.sink.report("DLM1007", `${label}: argument '${spec.name}' is given ${how} and again by name`, a.name.span);
      continue;
    }
    out.set(spec.name, { spec, exprs: [a.value], span: a.span });
  }
  for (const s of specs) {
    if (!out.has(s.name) && s.default === undefined && !s.variadic && !suggested.has(s.name))
      ctx.sink.report("DLM1005", `${label} needs '${s.name}'${kindHint(s.kind)}`, span);
  }
  return out;
}

function kindHint(kind: ArgKind): string {
  return kind === "tensor" || kind === "tensor|number" || kind === "state" ? "" : ` (${kindName(kind)})`;
}

export function kindName(kind: ArgKind, words?: readonly string[]): string {
  const base: Record<ArgKind, string> = {
    tensor: "a tensor",
    "tensor|number": "a tensor or a number",
    state: "a state",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    string: "a string",
    ints: "an integer or a list of integers",
    dims: "a list of dims",
    number: "a number",
    enum: "",
    strings: "a list of strings",
  };
  const w = words && words.length > 0 ? words.join(", ") : "";
  if (kind === "enum") return `one of ${w}`;
  return w ? `${base[kind]}, or one of ${w}` : base[kind];
}

function describe(e: Expr): string {
  switch (e.kind) {
    case "StringLit":
      return `the string "${e.value}"`;
    case "BoolLit":
      return `${e.value}`;
    case "NumberLit":
      return e.raw;
    case "ListLit":
      return "a list";
    case "Name":
      return `'${e.name}'`;
    default:
      return "an expression";
  }
}

/** Evaluates a configuration argument of the given kind; reports and returns undefined on error. */
export function evalConst(ctx: Ctx, label: string, name: string, kind: ArgKind, words: readonly string[] | undefined, e: Expr): ConfigValue | undefined {
  if (e.kind === "ErrorExpr") return undefined;
  const bad = (): undefined => {
    ctx.sink.report("DLM2001", `${label} argument '${name}' expects ${kindName(kind, words)}, got ${describe(e)}`, e.span);
    return undefined;
  };
  if (e.kind === "Name" && words?.includes(e.name) && !ctx.scope.has(e.name)) return e.name;
  switch (kind) {
    case "enum":
      return bad();
    case "int": {
      const d = evalDim(ctx, e, "int", () => bad());
      return d === undefined ? undefined : dimOrNumber(d);
    }
    case "ints":
    case "dims": {
      if (e.kind !== "ListLit") {
        if (kind === "dims") return bad();
        const d = evalDim(ctx, e, "int", () => bad());
        return d === undefined ? undefined : dimOrNumber(d);
      }
      const out: ConfigValue[] = [];
      for (const el of e.elements) {
        const d = evalDim(ctx, el, kind === "dims" ? "dims" : "int", () => {
          ctx.sink.report("DLM2001", `${label} argument '${name}' expects a list of integers, got ${describe(el)}`, el.span);
          return undefined;
        });
        if (d === undefined) return undefined;
        out.push(dimOrNumber(d));
      }
      return out;
    }
    case "float":
    case "number": {
      const v = evalNumber(ctx, e);
      if (v === undefined) return bad();
      return v;
    }
    case "strings": {
      if (e.kind !== "ListLit" || !e.elements.every((x) => x.kind === "StringLit")) return bad();
      return e.elements.map((x) => (x.kind === "StringLit" ? x.value : ""));
    }
    case "bool":
    case "string": {
      if (kind === "bool" && e.kind === "BoolLit") return e.value;
      if (kind === "string" && e.kind === "StringLit") return e.value;
      if (e.kind === "Name") {
        const ent = ctx.scope.get(e.name);
        if (ent?.kind === "param" && ent.param.type === kind) return ent.param.value;
      }
      return bad();
    }
    default:
      return bad();
  }
}

export function dimOrNumber(d: Dim): ConfigValue {
  const v = dimValue(d);
  return v === undefined ? d : v;
}

/**
 * An integer expression as a Dim. Modes: "int" (constants and int model params), "dims" (also the
 * symbols in scope, like B), "decl" (any other name introduces a symbol: input declarations).
 */
export function evalDim(ctx: Ctx, e: Expr, mode: "int" | "dims" | "decl", bad: () => undefined): Dim | undefined {
  switch (e.kind) {
    case "NumberLit":
      return e.isInt ? dimConst(e.value) : bad();
    case "Unary": {
      const d = evalDim(ctx, e.operand, mode, bad);
      return d && dimNeg(d);
    }
    case "Binary": {
      const a = evalDim(ctx, e.left, mode, bad);
      const b = evalDim(ctx, e.right, mode, bad);
      if (!a || !b) return undefined;
      if (e.op === "+") return dimAdd(a, b);
      if (e.op === "-") return dimSub(a, b);
      if (e.op === "*") return dimMul(a, b);
      if (dimValue(b) === 0) {
        ctx.sink.report("DLM2009", "division by zero in a dimension", e.span);
        return undefined;
      }
      const exact = dimDivExact(a, b);
      if (exact) return exact;
      if (dimValue(a) !== undefined && dimValue(b) !== undefined) {
        ctx.sink.report("DLM2009", `${dimValue(a)} / ${dimValue(b)} is not a whole number`, e.span);
        return undefined;
      }
      return dimFloorDiv(a, b);
    }
    case "Name": {
      const ent = ctx.scope.get(e.name);
      if (ent?.kind === "param") {
        if (ent.param.type === "int") return dimSubst(ent.param.dim, ctx.dims);
        ctx.sink.report("DLM2001", `model param '${e.name}' is a ${ent.param.type}, not an integer`, e.span);
        return undefined;
      }
      if (ent?.kind === "dim") return ent.dim;
      if (ent) return bad();
      const bound = ctx.dims.get(e.name);
      if (bound) return bound;
      if (mode === "decl" || (mode === "dims" && ctx.symbols.has(e.name))) return dimSubst(dimSym(e.name), ctx.dims);
      if (mode === "dims") {
        reportUnknown(ctx, e.name, e.span, "dim");
        return undefined;
      }
      return bad();
    }
    case "ErrorExpr":
      return undefined;
    default:
      return bad();
  }
}

/** A numeric constant (literals, number params, arithmetic); null for a param with no known value. */
export function evalNumber(ctx: Ctx, e: Expr): number | null | undefined {
  switch (e.kind) {
    case "NumberLit":
      return e.value;
    case "Unary": {
      const v = evalNumber(ctx, e.operand);
      return v === undefined || v === null ? v : -v;
    }
    case "Binary": {
      const a = evalNumber(ctx, e.left);
      const b = evalNumber(ctx, e.right);
      if (a === undefined || b === undefined) return undefined;
      if (a === null || b === null) return null;
      return e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : a / b;
    }
    case "Name": {
      const ent = ctx.scope.get(e.name);
      if (ent?.kind !== "param") return undefined;
      if (ent.param.type === "int") return dimValue(dimSubst(ent.param.dim, ctx.dims)) ?? null;
      if (ent.param.type === "float") return ent.param.value;
      return undefined;
    }
    default:
      return undefined;
  }
}
