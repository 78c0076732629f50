// Parameter initialisation: PyTorch's defaults per layer, as ParamInit records the runtime fills.
//
//  Dense, Conv1d/Conv2d weight   kaiming_uniform(a=√5) = U(−1/√fan_in, 1/√fan_in), fan_in = in·∏kernel
//  their bias                    U(−1/√fan_in, 1/√fan_in)
//  ConvTranspose2d               the same with fan_in from weight dim 1 (out·∏kernel), as torch computes it
//  Embedding weight              N(0, 1)
//  RNN / LSTM / GRU (all four)   U(−1/√H, 1/√H)
//  LayerNorm / BatchNorm         weight ones, bias zeros, running_mean zeros, running_var ones
//  attention in_proj_weight      xavier_uniform U(±√(6/(fan_in + fan_out))); q/k/v_proj_weight likewise
//  attention in_proj_bias        zeros; out_proj.weight like Linear; out_proj.bias zeros
//  PositionalEmbedding, ClassToken  N(0, 0.02) — our choice (BERT/ViT use a 0.02 (truncated) normal)

import type { ParamInit } from "../ir/graph.js";

const uniform = (bound: number): ParamInit => ({ kind: "uniform", low: -bound, high: bound });
const product = (xs: readonly number[]) => xs.reduce((p, d) => p * d, 1);

/** Fan-in of a weight [out, in, ...kernel] the way torch's _calculate_fan_in_and_fan_out computes it. */
export function fanIn(shape: readonly number[]): number {
  return (shape[1] ?? 1) * product(shape.slice(2));
}

function fanOut(shape: readonly number[]): number {
  return (shape[0] ?? 1) * product(shape.slice(2));
}

/**
 * The init of tensor `role` of a layer of the given kind, given the concrete shapes of all the layer's
 * tensors by role (a bias's bound depends on its weight's fan-in, a recurrent bias on H).
 */
export function initFor(kind: string, role: string, shapes: Readonly<Record<string, readonly number[]>>): ParamInit {
  const shape = shapes[role] ?? [];
  switch (kind) {
    case "Dense":
    case "Conv1d":
    case "Conv2d":
    case "ConvTranspose2d":
      return uniform(1 / Math.sqrt(Math.max(fanIn(shapes["weight"] ?? shape), 1)));
    case "Embedding":
      return { kind: "normal", mean: 0, std: 1 };
    case "RNN":
    case "LSTM":
    case "GRU":
      return uniform(1 / Math.sqrt(Math.max(shapes["weight_hh"]?.[1] ?? 1, 1)));
    case "LayerNorm":
    case "BatchNorm":
      return role === "weight" || role === "running_var" ? { kind: "ones" } : { kind: "zeros" };
    case "SelfAttention":
    case "MultiHeadAttention":
      if (role === "out_proj.weight") return uniform(1 / Math.sqrt(Math.max(fanIn(shape), 1)));
      if (role.endsWith("_weight")) return uniform(Math.sqrt(6 / (fanIn(shape) + fanOut(shape))));
      return { kind: "zeros" };
    case "PositionalEmbedding":
    case "ClassToken":
      return { kind: "normal", mean: 0, std: 0.02 };
    default:
      return { kind: "zeros" };
  }
}
