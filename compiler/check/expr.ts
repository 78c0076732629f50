// Expressions as values: names, literals, tuples, arithmetic with broadcasting, calls and pipes.
//
// Pipes are iterated, never recursed over (a pipe may have thousands of stages). A number literal
// stays a `number` value until it meets a tensor, then becomes a scalar constant of that tensor's dtype,
// which is why `5 * loss` and `x / 255` work on f32 and `ids + 1` on i32.

import type { Binary, Expr, Unary } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import { broadcastShapes } from "./broadcast.js";
import { fmtType } from "./catalogue/spec.js";
import { dimNeg, dimValue, formatDim, formatShape, type Dim } from "./dims.js";
import { applyStage, callValue } from "./apply.js";
import { lookup, reportUnknown } from "./resolve.js";
import type { DType } from "./types.js";
import { tensorVal, unknown, type Ctx, type Val } from "./values.js";

export function evalValue(ctx: Ctx, e: Expr): Val {
  switch (e.kind) {
    case "ErrorExpr":
      return unknown;
    case "NumberLit":
      return { kind: "number", value: e.value, isInt: e.isInt };
    case "StringLit":
    case "BoolLit":
    case "ListLit":
      ctx.sink.report("DLM2012", `${e.kind === "StringLit" ? "a string" : e.kind === "BoolLit" ? "a bool" : "a list"} is not a value here; expected a tensor`, e.span);
      return unknown;
    case "TupleLit":
      return { kind: "tuple", elements: e.elements.map((x) => evalValue(ctx, x)) };
    case "Name":
      return nameValue(ctx, e.name, e.span);
    case "Unary":
      return unary(ctx, e);
    case "Binary":
      return binary(ctx, e);
    case "Call":
      return callValue(ctx, e);
    case "Pipe": {
      let cur = evalValue(ctx, e.source);
      for (const stage of e.stages) cur = applyStage(ctx, cur, stage);
      return cur;
    }
    case "Repeat":
      ctx.sink.report("DLM1009", "repeat is only a pipe stage: x |> repeat N Layer(…)", e.span);
      return unknown;
  }
}

function nameValue(ctx: Ctx, name: string, span: Span): Val {
  const r = lookup(ctx, name);
  if (!r) {
    reportUnknown(ctx, name, span);
    return unknown;
  }
  switch (r.kind) {
    case "value":
      return r.val;
    case "param": {
      if (r.param.type === "int") {
        const v = dimValue(r.param.dim);
        return v === undefined ? { kind: "number", value: 0, isInt: true, dim: r.param.dim } : { kind: "number", value: v, isInt: true };
      }
      if (r.param.type === "float" && r.param.value !== null) return { kind: "number", value: r.param.value, isInt: false };
      ctx.sink.report("DLM2012", `model param '${name}' is a ${r.param.type}, not a number`, span);
      return unknown;
    }
    case "dim": {
      const v = dimValue(r.dim);
      return v === undefined ? { kind: "number", value: 0, isInt: true, dim: r.dim } : { kind: "number", value: v, isInt: true };
    }
    case "layer":
      ctx.sink.report("DLM1009", `'${name}' is a layer, not a value; apply it: ${name}(x) or x |> ${name}`, span);
      return unknown;
    case "model":
    case "layerSpec":
      ctx.sink.report("DLM1009", `${name} makes a layer, not a value; apply it: x |> ${name}`, span);
      return unknown;
    case "function":
      ctx.sink.report("DLM1009", `${name} is a function; call it: ${name}(x) or x |> ${name}`, span);
      return unknown;
  }
}

/** A number as a scalar constant tensor of the given dtype. */
export function materialize(ctx: Ctx, v: Val, dtype: DType, span: Span): Val {
  if (v.kind !== "number") return v;
  const value = v.dim ?? v.value;
  const [out] = ctx.g.op("constant", [], { value }, [{ dtype, shape: [] }], span);
  return tensorVal(out!.id, dtype, []);
}

function unary(ctx: Ctx, e: Unary): Val {
  const v = evalValue(ctx, e.operand);
  if (v.kind === "number") return v.dim ? { ...v, dim: dimNeg(v.dim) } : { ...v, value: -v.value };
  if (v.kind === "unknown") return unknown;
  if (v.kind === "tuple") {
    ctx.sink.report("DLM2012", "a tuple is not a tensor: unpack it first, (a, b) = …", e.operand.span);
    return unknown;
  }
  const [out] = ctx.g.op("neg", [{ role: "x", id: v.id }], {}, [{ dtype: v.dtype, shape: v.shape }], e.span);
  return tensorVal(out!.id, v.dtype, v.shape);
}

const opName = { "+": "add", "-": "sub", "*": "mul", "/": "div" } as const;

function binary(ctx: Ctx, e: Binary): Val {
  const a = evalValue(ctx, e.left);
  const b = evalValue(ctx, e.right);
  if (a.kind === "unknown" || b.kind === "unknown") return unknown;
  for (const [v, x] of [[a, e.left] as const, [b, e.right] as const])
    if (v.kind === "tuple") {
      ctx.sink.report("DLM2012", "a tuple is not a tensor: unpack it first, (a, b) = …", x.span);
      return unknown;
    }
  if (a.kind === "number" && b.kind === "number" && !a.dim && !b.dim) {
    if (e.op === "/" && b.value === 0) {
      ctx.sink.report("DLM2010", "division by zero", e.right.span);
      return unknown;
    }
    const value = e.op === "+" ? a.value + b.value : e.op === "-" ? a.value - b.value : e.op === "*" ? a.value * b.value : a.value / b.value;
    return { kind: "number", value, isInt: a.isInt && b.isInt && e.op !== "/" };
  }
  const dtypeOf = (v: Val): DType | undefined => (v.kind === "tensor" ? v.dtype : undefined);
  const dtype: DType = dtypeOf(a) ?? dtypeOf(b) ?? "f32";
  for (const [v, w, x] of [[a, b, e.left] as const, [b, a, e.right] as const])
    if (v.kind === "number" && w.kind === "tensor" && w.dtype === "i32" && !v.isInt) {
      ctx.sink.report("DLM2005", `'${e.op}' mixes ${v.value} with ${fmtType(w)}: an i32 tensor takes integer literals only`, x.span);
      return unknown;
    }
  const l = materialize(ctx, a, dtype, e.left.span);
  const r = materialize(ctx, b, dtype, e.right.span);
  if (l.kind !== "tensor" || r.kind !== "tensor") return unknown;
  if (l.dtype !== r.dtype) {
    ctx.sink.report("DLM2005", `'${e.op}' mixes ${fmtType(l)} and ${fmtType(r)}: the dtypes differ (${l.dtype} vs ${r.dtype})`, e.span);
    return unknown;
  }
  const bc = broadcastShapes(l.shape, r.shape);
  if ("conflict" in bc) {
    const n = Math.max(l.shape.length, r.shape.length);
    const da = l.shape[l.shape.length - n + bc.conflict];
    const db = r.shape[r.shape.length - n + bc.conflict];
    ctx.sink.report(
      "DLM2004",
      `'${e.op}' cannot broadcast ${fmtType(l)} with ${fmtType(r)}: ${da ? formatDim(da) : "?"} vs ${db ? formatDim(db) : "?"} (axis ${bc.conflict - n} from the end)`,
      e.span,
    );
    return unknown;
  }
  const [out] = ctx.g.op(opName[e.op], [{ role: "a", id: l.id }, { role: "b", id: r.id }], {}, [{ dtype: l.dtype, shape: bc.shape }], e.span);
  return tensorVal(out!.id, l.dtype, bc.shape);
}

/** The phrase messages use for a value: "model input 'image' is declared f32[B, 28, 28]". */
export function describeVal(v: { dtype: DType; shape: Dim[]; origin?: string }, role = "the input"): string {
  const t = `${v.dtype}${formatShape(v.shape)}`;
  if (v.origin?.startsWith("model input")) return `${v.origin} is declared ${t}`;
  return `${v.origin ?? role} is ${t}`;
}
