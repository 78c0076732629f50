// Optimizer updates as IR, PyTorch semantics (torch.optim, default flags: no amsgrad, no maximize,
// dampening 0, not centered). For one parameter p with gradient g, given its moment state and the host
// scalars of its objective:
//   SGD      g ← g + wd·p; buf ← μ·buf + g (μ > 0); d = nesterov ? g + μ·buf : buf (or g when μ = 0); p ← p − lr·d
//   Adam     g ← g + wd·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − lr·(m/bc1)/(√(v/bc2) + ε)
//   AdamW    p ← p·(1 − lr·wd) first (decoupled), then Adam without the L2 term
//   RMSprop  g ← g + wd·p; s ← α·s + (1−α)·g²; a = √s + ε; μ > 0: buf ← μ·buf + g/a, p ← p − lr·buf;
//            otherwise p ← p − lr·g/a
// bc1 = 1 − β1^t and bc2 = 1 − β2^t are host scalars (t counts this objective's steps from 1), as is lr
// (after the schedule). Torch's first SGD step sets buf = g, which equals μ·0 + g with buf starting at zero.
// Moment state names: `<param>.momentum`, `<param>.adam_m`, `<param>.adam_v`, `<param>.rms`.

import type { Builder } from "../ir/builder.js";
import type { NodeId } from "../ir/graph.js";
import type { OptimizerSpec } from "../program/types.js";

export interface OptimizerScalars {
  lr: NodeId;
  /** Adam/AdamW: 1 − β1^t and 1 − β2^t. */
  bc1?: NodeId;
  bc2?: NodeId;
}

/** A moment tensor the optimizer needs for one parameter (zeros at the start). */
export interface MomentRequest {
  suffix: "momentum" | "adam_m" | "adam_v" | "rms";
}

export interface ParamUpdate {
  /** New value of the parameter. */
  param: NodeId;
  /** New values of its moment tensors, by suffix. */
  moments: Array<{ suffix: MomentRequest["suffix"]; node: NodeId }>;
}

const num = (config: OptimizerSpec["config"], key: string, fallback: number): number => {
  const v = config[key];
  return typeof v === "number" ? v : fallback;
};

/** The moment tensors an optimizer keeps per parameter, in a fixed order. */
export function momentsOf(opt: OptimizerSpec): Array<MomentRequest["suffix"]> {
  switch (opt.kind) {
    case "sgd":
      return num(opt.config, "momentum", 0) !== 0 ? ["momentum"] : [];
    case "adam":
    case "adamw":
      return ["adam_m", "adam_v"];
    case "rmsprop":
      return num(opt.config, "momentum", 0) !== 0 ? ["rms", "momentum"] : ["rms"];
  }
}

/** Whether the optimizer needs the bias-correction host scalars. */
export function needsBiasCorrection(opt: OptimizerSpec): boolean {
  return opt.kind === "adam" || opt.kind === "adamw";
}

/**
 * Builds the update of one parameter. `moment(suffix)` gives the node reading the current moment state.
 */
export function updateParam(b: Builder, opt: OptimizerSpec, p: NodeId, g: NodeId, s: OptimizerScalars,
  moment: (suffix: MomentRequest["suffix"]) => NodeId): ParamUpdate {
  const c = opt.config;
  const wd = num(c, "weight_decay", opt.kind === "adamw" ? 0.01 : 0);
  const l2 = (grad: NodeId) => (wd !== 0 && opt.kind !== "adamw" ? b.add(grad, b.scale(p, wd)) : grad);
  const step = (base: NodeId, d: NodeId) => b.sub(base, b.mul(s.lr, d));
  const moments: ParamUpdate["moments"] = [];
  switch (opt.kind) {
    case "sgd": {
      const mu = num(c, "momentum", 0);
      const grad = l2(g);
      if (mu === 0) return { param: step(p, grad), moments };
      const buf = b.add(b.scale(moment("momentum"), mu), grad);
      moments.push({ suffix: "momentum", node: buf });
      const d = c["nesterov"] === true ? b.add(grad, b.scale(buf, mu)) : buf;
      return { param: step(p, d), moments };
    }
    case "adam":
    case "adamw": {
      const b1 = num(c, "beta1", 0.9);
      const b2 = num(c, "beta2", 0.999);
      const eps = num(c, "eps", 1e-8);
      const grad = l2(g);
      const base = opt.kind === "adamw" && wd !== 0 ? b.mul(p, b.sub(b.scalar(1), b.scale(s.lr, wd))) : p;
      const m = b.add(b.scale(moment("adam_m"), b1), b.scale(grad, 1 - b1));
      const v = b.add(b.scale(moment("adam_v"), b2), b.scale(b.unary("square", grad), 1 - b2));
      moments.push({ suffix: "adam_m", node: m }, { suffix: "adam_v", node: v });
      const mHat = b.div(m, s.bc1!);
      const denom = b.add(b.unary("sqrt", b.div(v, s.bc2!)), b.scalar(eps));
      return { param: step(base, b.div(mHat, denom)), moments };
    }
    case "rmsprop": {
      const alpha = num(c, "alpha", 0.99);
      const eps = num(c, "eps", 1e-8);
      const mu = num(c, "momentum", 0);
      const grad = l2(g);
      const sq = b.add(b.scale(moment("rms"), alpha), b.scale(b.unary("square", grad), 1 - alpha));
      moments.push({ suffix: "rms", node: sq });
      const d = b.div(grad, b.add(b.unary("sqrt", sq), b.scalar(eps)));
      if (mu === 0) return { param: step(p, d), moments };
      const buf = b.add(b.scale(moment("momentum"), mu), d);
      moments.push({ suffix: "momentum", node: buf });
      return { param: step(p, buf), moments };
    }
  }
}
