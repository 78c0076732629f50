// Elementwise functions, activations, softmax, reductions, matmul, stop_grad and random tensors.
// Elementwise ones keep the shape; they need f32 (an i32 tensor of ids is not a number to squash).

import { dimConst, dimEquals, formatDim, isConcrete } from "../dims.js";
import type { ConfigValue } from "../types.js";
import { broadcastShapes } from "../broadcast.js";
import { cfgNum, fmtType, isDim, normAxis, tensor, type ArgSpec, type FunctionSpec } from "./spec.js";

function unary(name: string, summary: string, extra: ArgSpec[] = []): FunctionSpec {
  return {
    kind: "function",
    name,
    summary,
    args: [{ name: "x", kind: "tensor" }, ...extra],
    infer(_cfg, [x], err) {
      if (!x) return undefined;
      if (x.dtype !== "f32") {
        err("DLM2005", `${x.desc} but ${name} needs f32`);
        return undefined;
      }
      return tensor("f32", x.shape);
    },
  };
}

function axisFn(name: string, summary: string): FunctionSpec {
  const base = unary(name, summary, [{ name: "axis", kind: "int", default: -1 }]);
  return {
    ...base,
    infer(cfg, xs, err) {
      const out = base.infer(cfg, xs, err);
      const x = xs[0];
      if (out && x) normAxis(cfgNum(cfg, "axis"), x.shape.length, name, err);
      return out;
    },
  };
}

export const elementwise = [
  unary("dropout", "Zeroes each element with probability p while training (scales the rest by 1/(1−p)).", [{ name: "p", kind: "float", default: 0.5 }]),
  unary("relu", "max(x, 0)."),
  unary("leaky_relu", "x when positive, slope·x otherwise.", [{ name: "slope", kind: "float", default: 0.01 }]),
  unary("gelu", "Gaussian error linear unit (exact, erf form)."),
  unary("silu", "x·sigmoid(x)."),
  unary("tanh", "Hyperbolic tangent."),
  unary("sigmoid", "1 / (1 + e^−x)."),
  axisFn("softmax", "Softmax along an axis."),
  axisFn("log_softmax", "Log of softmax along an axis (stable)."),
  unary("exp", "e^x."),
  unary("log", "Natural log."),
  unary("sqrt", "Square root."),
  unary("abs", "Absolute value."),
  unary("square", "x²."),
];

function reduction(name: string, summary: string): FunctionSpec {
  return {
    kind: "function",
    name,
    summary,
    args: [
      { name: "x", kind: "tensor" },
      { name: "axis", kind: "ints", default: null, doc: "an axis or a list; all axes when absent" },
      { name: "keep", kind: "bool", default: false },
    ],
    infer(cfg, [x], err) {
      if (!x) return undefined;
      const raw = cfg["axis"];
      const r = x.shape.length;
      if (raw === null || raw === undefined) return tensor(x.dtype, cfg["keep"] === true ? x.shape.map(() => (dimConst(1))) : []);
      const list = Array.isArray(raw) ? raw : [raw];
      const axes = new Set<number>();
      for (const a of list) {
        const n = normAxis(typeof a === "number" ? a : undefined, r, name, err);
        if (n === undefined) return undefined;
        axes.add(n);
      }
      const keep = cfg["keep"] === true;
      const shape = keep ? x.shape.map((d, i) => (axes.has(i) ? dimConst(1) : d)) : x.shape.filter((_, i) => !axes.has(i));
      return tensor(name === "mean" ? "f32" : x.dtype, shape);
    },
  };
}

export const reductions = [
  reduction("mean", "Mean over the given axes (all when absent)."),
  reduction("sum", "Sum over the given axes (all when absent)."),
  reduction("max", "Maximum over the given axes (all when absent)."),
];

export const matmul: FunctionSpec = {
  kind: "function",
  name: "matmul",
  summary: "Batched matrix product [.., M, K] × [.., K, N] → [.., M, N] (batch axes broadcast).",
  args: [
    { name: "a", kind: "tensor" },
    { name: "b", kind: "tensor" },
  ],
  infer(_cfg, [a, b], err) {
    if (!a || !b) return undefined;
    if (a.shape.length < 2 || b.shape.length < 2) {
      err("DLM2003", `matmul needs at least 2 dims on each side, got ${fmtType(a)} and ${fmtType(b)}`);
      return undefined;
    }
    if (a.dtype !== "f32" || b.dtype !== "f32") {
      err("DLM2005", `matmul needs f32 operands, got ${fmtType(a)} and ${fmtType(b)}`);
      return undefined;
    }
    const k1 = a.shape[a.shape.length - 1]!;
    const k2 = b.shape[b.shape.length - 2]!;
    if (!dimEquals(k1, k2) && (isConcrete(k1) || isConcrete(k2))) {
      err("DLM2014", `matmul: ${fmtType(a)} × ${fmtType(b)}: inner sizes differ (${formatDim(k1)} vs ${formatDim(k2)})`);
      return undefined;
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if ("conflict" in batch) {
      err("DLM2004", `matmul: the batch axes of ${fmtType(a)} and ${fmtType(b)} do not broadcast`);
      return undefined;
    }
    return tensor("f32", [...batch.shape, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!]);
  },
};

export const stopGrad: FunctionSpec = {
  kind: "function",
  name: "stop_grad",
  summary: "The same value, but gradients do not flow back through it.",
  args: [{ name: "x", kind: "tensor" }],
  infer: (_cfg, [x]) => (x ? tensor(x.dtype, x.shape) : undefined),
};

export const normal: FunctionSpec = {
  kind: "random",
  name: "normal",
  summary: "A tensor of samples from N(mean, std²); the shape may use B (the batch).",
  args: [
    { name: "shape", kind: "dims" },
    { name: "mean", kind: "float", default: 0 },
    { name: "std", kind: "float", default: 1 },
  ],
  infer: (cfg) => tensor("f32", (Array.isArray(cfg["shape"]) ? cfg["shape"] : []).map(toDim)),
};

export const uniform: FunctionSpec = {
  kind: "random",
  name: "uniform",
  summary: "A tensor of samples from U[low, high).",
  args: [
    { name: "shape", kind: "dims" },
    { name: "low", kind: "float", default: 0 },
    { name: "high", kind: "float", default: 1 },
  ],
  infer: (cfg) => tensor("f32", (Array.isArray(cfg["shape"]) ? cfg["shape"] : []).map(toDim)),
};

function toDim(v: ConfigValue) {
  return typeof v === "number" ? dimConst(v) : isDim(v) ? v : dimConst(0);
}

export const mathFunctions = [...elementwise, ...reductions, matmul, stopGrad, normal, uniform];
