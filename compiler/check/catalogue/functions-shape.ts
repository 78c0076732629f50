// Functions that move data without arithmetic: flatten, reshape, transpose, permute, concat, split,
// slice, take, last, patches. Element-count checks compare normal forms, so they hold symbolically
// (reshape [B, 28, 28] → [B, 784]) and are deferred when the counts differ only through symbols.

import {
  dimAdd,
  dimConst,
  dimDivExact,
  dimEquals,
  dimFloorDiv,
  dimMul,
  dimProduct,
  dimSub,
  dimSum,
  dimValue,
  formatDim,
  formatShape,
  isConcrete,
  type Dim,
} from "../dims.js";
import type { ConfigValue } from "../types.js";
import { cfgNum, fmtType, isDim, normAxis, tensor, type FunctionSpec, type OutType } from "./spec.js";

const asDim = (v: ConfigValue | undefined): Dim | undefined => (typeof v === "number" ? dimConst(v) : isDim(v) ? v : undefined);

export const flatten: FunctionSpec = {
  kind: "function",
  name: "flatten",
  summary: "Keeps axis 0 and flattens the rest: [B, a, b, …] → [B, a·b·…].",
  args: [{ name: "x", kind: "tensor" }],
  infer(_cfg, [x]) {
    if (!x) return undefined;
    if (x.shape.length <= 1) return tensor(x.dtype, x.shape);
    return tensor(x.dtype, [x.shape[0]!, dimProduct(x.shape.slice(1))]);
  },
};

export const reshape: FunctionSpec = {
  kind: "function",
  name: "reshape",
  summary: "Same elements, new shape; one dim may be -1 (inferred). In data `map` shapes are per example.",
  args: [
    { name: "x", kind: "tensor" },
    { name: "shape", kind: "dims" },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    const target = (Array.isArray(cfg["shape"]) ? cfg["shape"] : []).map(asDim);
    if (target.some((d) => d === undefined)) return undefined;
    let dims = target as Dim[];
    const total = dimProduct(x.shape);
    const holes = dims.filter((d) => dimValue(d) === -1).length;
    if (holes > 1) {
      err("DLM2010", "reshape: only one dim may be -1", "shape");
      return undefined;
    }
    if (holes === 1) {
      const known = dimProduct(dims.filter((d) => dimValue(d) !== -1));
      const q = dimDivExact(total, known);
      if (!q) {
        err("DLM2008", `reshape: ${fmtType(x)} has ${formatDim(total)} elements, which ${formatShape(dims)} cannot hold`, "shape");
        return undefined;
      }
      dims = dims.map((d) => (dimValue(d) === -1 ? q : d));
    }
    const want = dimProduct(dims);
    if (!dimEquals(total, want) && isConcrete(total) && isConcrete(want)) {
      err("DLM2008", `reshape: ${fmtType(x)} has ${formatDim(total)} elements but ${formatShape(dims)} holds ${formatDim(want)}`, "shape");
      return undefined;
    }
    return tensor(x.dtype, dims);
  },
};

export const transpose: FunctionSpec = {
  kind: "function",
  name: "transpose",
  summary: "Swaps two axes.",
  args: [
    { name: "x", kind: "tensor" },
    { name: "a", kind: "int" },
    { name: "b", kind: "int" },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    const a = normAxis(cfgNum(cfg, "a"), x.shape.length, "transpose", err, "a");
    const b = normAxis(cfgNum(cfg, "b"), x.shape.length, "transpose", err, "b");
    if (a === undefined || b === undefined) return undefined;
    const s = [...x.shape];
    [s[a], s[b]] = [s[b]!, s[a]!];
    return tensor(x.dtype, s);
  },
};

export const permute: FunctionSpec = {
  kind: "function",
  name: "permute",
  summary: "Reorders all axes: output axis i is input axis perm[i].",
  args: [
    { name: "x", kind: "tensor" },
    { name: "perm", kind: "ints" },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    const raw = cfg["perm"];
    const perm = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === "number" ? v : NaN));
    const r = x.shape.length;
    const norm = perm.map((p) => (p < 0 ? p + r : p));
    const ok = norm.length === r && [...norm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) {
      err("DLM2010", `permute: [${perm.join(", ")}] is not a permutation of the ${r} axes of ${fmtType(x)}`, "perm");
      return undefined;
    }
    return tensor(x.dtype, norm.map((p) => x.shape[p]!));
  },
};

export const concat: FunctionSpec = {
  kind: "function",
  name: "concat",
  summary: "Joins tensors along an axis; all other dims must agree.",
  args: [
    { name: "xs", kind: "tensor", variadic: true },
    { name: "axis", kind: "int", default: -1 },
  ],
  infer(cfg, xs, err) {
    const [first] = xs;
    if (!first) {
      err("DLM1005", "concat needs at least one tensor");
      return undefined;
    }
    const r = first.shape.length;
    const axis = normAxis(cfgNum(cfg, "axis"), r, "concat", err);
    if (axis === undefined) return undefined;
    for (const x of xs.slice(1)) {
      const sameRest = x.shape.length === r && x.shape.every((d, i) => i === axis || dimEquals(d, first.shape[i]!));
      if (!sameRest || x.dtype !== first.dtype) {
        err("DLM2007", `concat on axis ${axis}: ${fmtType(first)} and ${fmtType(x)} differ outside that axis`);
        return undefined;
      }
    }
    const s = [...first.shape];
    s[axis] = dimSum(xs.map((x) => x.shape[axis]!));
    return tensor(first.dtype, s);
  },
};

export const split: FunctionSpec = {
  kind: "function",
  name: "split",
  summary: "Cuts along an axis into n equal parts or the given sizes; returns a tuple.",
  args: [
    { name: "x", kind: "tensor" },
    { name: "sizes", kind: "ints" },
    { name: "axis", kind: "int", default: -1 },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    const axis = normAxis(cfgNum(cfg, "axis"), x.shape.length, "split", err);
    if (axis === undefined) return undefined;
    const size = x.shape[axis]!;
    const raw = cfg["sizes"];
    let parts: Dim[];
    if (Array.isArray(raw)) {
      parts = raw.map((v) => asDim(v) ?? dimConst(0));
      const sum = dimSum(parts);
      if (!dimEquals(sum, size) && isConcrete(sum) && isConcrete(size)) {
        err("DLM2008", `split: sizes add up to ${formatDim(sum)} but axis ${axis} of ${fmtType(x)} has ${formatDim(size)}`, "sizes");
        return undefined;
      }
    } else {
      const n = asDim(raw);
      const nv = n ? dimValue(n) : undefined;
      if (nv === undefined || nv < 1) {
        err("DLM2010", "split: the number of parts must be a known positive integer", "sizes");
        return undefined;
      }
      const sv = dimValue(size);
      const each = dimFloorDiv(size, dimConst(nv));
      if (sv !== undefined && sv % nv !== 0) {
        err("DLM2010", `split: axis ${axis} of ${fmtType(x)} does not divide into ${nv} equal parts`, "sizes");
        return undefined;
      }
      parts = Array.from({ length: nv }, () => each);
    }
    return parts.map((p) => {
      const s = [...x.shape];
      s[axis] = p;
      return tensor(x.dtype, s);
    }) as OutType;
  },
};

export const slice: FunctionSpec = {
  kind: "function",
  name: "slice",
  summary: "Keeps [start, end) of an axis (negative counts from the end).",
  args: [
    { name: "x", kind: "tensor" },
    { name: "start", kind: "int" },
    { name: "end", kind: "int" },
    { name: "axis", kind: "int", default: -1 },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    const axis = normAxis(cfgNum(cfg, "axis"), x.shape.length, "slice", err);
    if (axis === undefined) return undefined;
    const size = x.shape[axis]!;
    const start = cfgNum(cfg, "start") ?? 0;
    const end = cfgNum(cfg, "end") ?? 0;
    const at = (i: number): Dim => (i < 0 ? dimAdd(size, dimConst(i)) : dimConst(i));
    const len = dimSub(at(end), at(start));
    const lv = dimValue(len);
    const sv = dimValue(size);
    if ((lv !== undefined && lv <= 0) || (sv !== undefined && (end > sv || start >= sv))) {
      err("DLM2010", `slice: [${start}, ${end}) is empty or out of range on axis ${axis} of ${fmtType(x)}`);
      return undefined;
    }
    const s = [...x.shape];
    s[axis] = len;
    return tensor(x.dtype, s);
  },
};

function takeInfer(x: { dtype: "f32" | "i32"; shape: Dim[] }, index: number, axisIn: number, err: Parameters<FunctionSpec["infer"]>[2], what: string): OutType | undefined {
  const axis = normAxis(axisIn, x.shape.length, what, err);
  if (axis === undefined) return undefined;
  const size = dimValue(x.shape[axis]!);
  if (size !== undefined && (index >= size || index < -size)) {
    err("DLM2010", `${what}: index ${index} is out of range for axis ${axis} of ${fmtType(x)}`);
    return undefined;
  }
  return tensor(x.dtype, x.shape.filter((_, i) => i !== axis));
}

export const take: FunctionSpec = {
  kind: "function",
  name: "take",
  summary: "Picks one index of an axis and drops the axis.",
  args: [
    { name: "x", kind: "tensor" },
    { name: "index", kind: "int" },
    { name: "axis", kind: "int", default: 0 },
  ],
  infer: (cfg, [x], err) => (x ? takeInfer(x, cfgNum(cfg, "index") ?? 0, cfgNum(cfg, "axis") ?? 0, err, "take") : undefined),
};

export const last: FunctionSpec = {
  kind: "function",
  name: "last",
  summary: "The last step of a sequence: take(x, -1, axis: 1), [B, T, H] → [B, H].",
  args: [{ name: "x", kind: "tensor" }],
  infer: (_cfg, [x], err) => (x ? takeInfer(x, -1, 1, err, "last") : undefined),
};

export const patches: FunctionSpec = {
  kind: "function",
  name: "patches",
  summary: "Cuts [B, C, H, W] into p×p patches: [B, (H/p)(W/p), C·p·p].",
  args: [
    { name: "x", kind: "tensor" },
    { name: "size", kind: "int" },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    if (x.shape.length !== 4) {
      err("DLM2003", `${x.desc} but patches expects 4 dims [batch, channels, height, width]`);
      return undefined;
    }
    const p = cfgNum(cfg, "size");
    if (p === undefined || p < 1) return undefined;
    const [b, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
    const hv = dimValue(h);
    const wv = dimValue(w);
    const hp = dimFloorDiv(h, dimConst(p));
    const wp = dimFloorDiv(w, dimConst(p));
    if ((hv !== undefined && hv % p !== 0) || (wv !== undefined && wv % p !== 0)) {
      err("DLM2010", `patches(${p}): ${fmtType(x)} does not divide into ${p}×${p} patches`, "size");
      return undefined;
    }
    return tensor(x.dtype, [b, dimMul(hp, wp), dimMul(c, dimConst(p * p))]);
  },
};

export const shapeFunctions = [flatten, reshape, transpose, permute, concat, split, slice, take, last, patches];
