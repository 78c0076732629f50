// Plain `for` loops for elementwise and broadcasting ops, and the strided loop nests that movement ops
// without a kernel (pad, broadcast_to) need.
//
// Broadcasting is resolved at compile time: each operand gets a stride per output axis (0 where it
// repeats), size-1 axes are dropped, and adjacent axes are merged when every operand walks them as one
// (stride[d] = stride[d+1]·size[d+1]). So a same-shape op becomes one loop, a bias add a row-broadcast
// double loop (`b[j]`), a per-row scale a column-broadcast double loop (`s[i]`), and only truly strided
// cases keep more nesting. Index expressions are products of loop variables and literal strides.

import { stridesOf } from "../../ir/shapes.js";

export interface LoopOperand {
  /** Local name of the array, or null for an inlined literal. */
  array: string | null;
  /** The literal's text when `array` is null. */
  literal?: string;
  shape: readonly number[];
}

const VARS = ["i", "j", "k", "l", "m", "p", "q", "r"];

/** Per-axis strides of `shape` read under broadcasting to `out` (0 on repeated axes). */
export function broadcastStrides(out: readonly number[], shape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((d, k) => (k < off || shape[k - off] === 1 ? 0 : own[k - off]!));
}

/** Drops size-1 axes and merges axes every stride list walks contiguously. */
export function collapse(sizes: readonly number[], strideLists: readonly number[][]): { sizes: number[]; strides: number[][] } {
  const keep = sizes.map((d, k) => (d !== 1 ? k : -1)).filter((k) => k >= 0);
  const outSizes: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (const k of keep) {
    const last = outSizes.length - 1;
    const mergeable = last >= 0 && strideLists.every((s, t) => outStrides[t]![last] === s[k]! * sizes[k]!);
    if (mergeable) {
      outSizes[last] = outSizes[last]! * sizes[k]!;
      strideLists.forEach((s, t) => (outStrides[t]![last] = s[k]!));
    } else {
      outSizes.push(sizes[k]!);
      strideLists.forEach((s, t) => outStrides[t]!.push(s[k]!));
    }
  }
  return { sizes: outSizes, strides: outStrides };
}

export function indexExpr(vars: readonly string[], strides: readonly number[], offset = 0): string {
  const terms: string[] = [];
  strides.forEach((s, k) => {
    if (s === 0) return;
    terms.push(s === 1 ? vars[k]! : `${vars[k]} * ${s}`);
  });
  if (offset !== 0) terms.push(String(offset));
  return terms.length === 0 ? "0" : terms.join(" + ");
}

function nest(sizes: readonly number[], body: string): string {
  let code = body;
  for (let k = sizes.length - 1; k >= 0; k--) {
    const v = VARS[k]!;
    code = `for (let ${v} = 0; ${v} < ${sizes[k]}; ${v}++) ${sizes.length - 1 === k ? code : `{\n${code}\n}`}`;
  }
  return code;
}

/**
 * `out[idx] = expr(reads)` over every element of `outShape`. `expr` gets one read expression per operand
 * (`a[i]!`, `b[j]!`, a literal); a read used more than once is bound to a local first.
 */
export function elementwiseLoop(out: string, outShape: readonly number[], operands: readonly LoopOperand[],
  expr: (reads: string[]) => string | { lines: string[]; value: string }): string {
  const strideLists = [stridesOf(outShape), ...operands.map((o) => (o.array === null ? outShape.map(() => 0) : broadcastStrides(outShape, o.shape)))];
  const { sizes, strides } = collapse(outShape, strideLists);
  if (sizes.length > VARS.length) throw new Error(`elementwise loop of rank ${sizes.length} after merging axes`);
  const vars = VARS.slice(0, sizes.length);
  // A scalar operand (stride 0 on every axis) is read once, before the loop.
  const hoisted: string[] = [];
  const isHoisted = new Set<number>();
  const reads = operands.map((o, t) => {
    if (o.array === null) return o.literal!;
    const index = indexExpr(vars, strides[t + 1]!);
    if (index !== "0" || sizes.length === 0) return `${o.array}[${index}]!`;
    hoisted.push(`const ${o.array}0 = ${o.array}[0]!;`);
    isHoisted.add(t);
    return `${o.array}0`;
  });
  // Placeholders first, so a repeated read can be bound to a local (x0, x1…) rather than read twice.
  const marks = operands.map((_, t) => `\u0000${t}\u0000`);
  const made = expr(marks);
  const parts = typeof made === "string" ? { lines: [], value: made } : made;
  const sep = "\u0001";
  const template = [...parts.lines, parts.value].join(sep);
  const lets: string[] = [];
  const filled = marks.reduce((text, m, t) => {
    const count = text.split(m).length - 1;
    if (count > 1 && operands[t]!.array !== null && !isHoisted.has(t)) {
      lets.push(`const x${t} = ${reads[t]};`);
      return text.split(m).join(`x${t}`);
    }
    return text.split(m).join(reads[t]!);
  }, template);
  const pieces = filled.split(sep);
  const final = pieces.pop()!;
  lets.push(...pieces);
  const store = `${out}[${indexExpr(vars, strides[0]!)}] = ${final};`;
  const body = lets.length > 0 ? `{\n${lets.join("\n")}\n${store}\n}` : store;
  if (sizes.length === 0) return body;
  return [...hoisted, nest(sizes, body)].join("\n");
}

/**
 * Copies x into a region of y: y[Σ (i_d + offset_d)·yStride_d] = x[flat], a loop nest over x's axes
 * (pad writes the interior of a zero-filled output this way).
 */
export function placeLoop(y: string, yShape: readonly number[], x: string, xShape: readonly number[], offsets: readonly number[]): string {
  const ys = stridesOf(yShape);
  const xs = stridesOf(xShape);
  const base = offsets.reduce((s, o, d) => s + o * ys[d]!, 0);
  const { sizes, strides } = collapse(xShape, [ys, xs]);
  const vars = VARS.slice(0, sizes.length);
  const body = `${y}[${indexExpr(vars, strides[0]!, base)}] = ${x}[${indexExpr(vars, strides[1]!)}]!;`;
  return sizes.length === 0 ? body : nest(sizes, body);
}
