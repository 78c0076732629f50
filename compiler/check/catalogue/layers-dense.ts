// Layers on the feature axis: Dense, Embedding, the normalizations, positional embeddings, class token.
// Parameter names and layouts follow PyTorch (nn.Linear weight is [out, in]).

import { dimAdd, dimConst, dimValue, type Dim } from "../dims.js";
import { cfgDim, cfgNum, checkDtype, checkMinRank, checkRank, tensor, type LayerSpec } from "./spec.js";

const lastDim = (shape: Dim[]): Dim => shape[shape.length - 1]!;

export const dense: LayerSpec = {
  kind: "layer",
  name: "Dense",
  summary: "Fully connected layer on the last axis: y = x W^T + b.",
  args: [
    { name: "units", kind: "int", doc: "output features" },
    { name: "bias", kind: "bool", default: true },
  ],
  apply(cfg, x, _t, err) {
    if (!checkMinRank("Dense", x, 1, "[…, features]", err) || !checkDtype("Dense", x, "f32", err)) return undefined;
    const units = cfgDim(cfg, "units") ?? dimConst(0);
    const inSize = lastDim(x.shape);
    const params = [{ role: "weight", shape: [units, inSize] }];
    if (cfg["bias"] !== false) params.push({ role: "bias", shape: [units] });
    return { out: tensor("f32", [...x.shape.slice(0, -1), units]), params, inSize };
  },
};

export const embedding: LayerSpec = {
  kind: "layer",
  name: "Embedding",
  summary: "Looks up a learned vector for each integer id: i32[…] → f32[…, dim].",
  args: [
    { name: "vocab", kind: "int", doc: "number of ids" },
    { name: "dim", kind: "int", doc: "vector size" },
  ],
  apply(cfg, x, _t, err) {
    if (!checkDtype("Embedding", x, "i32", err)) return undefined;
    const vocab = cfgDim(cfg, "vocab") ?? dimConst(0);
    const dim = cfgDim(cfg, "dim") ?? dimConst(0);
    return { out: tensor("f32", [...x.shape, dim]), params: [{ role: "weight", shape: [vocab, dim] }] };
  },
};

export const layerNorm: LayerSpec = {
  kind: "layer",
  name: "LayerNorm",
  summary: "Normalizes over the last axis, then scales and shifts (weight, bias of that size).",
  args: [{ name: "eps", kind: "float", default: 1e-5 }],
  apply(_cfg, x, _t, err) {
    if (!checkMinRank("LayerNorm", x, 1, "[…, features]", err) || !checkDtype("LayerNorm", x, "f32", err)) return undefined;
    const d = lastDim(x.shape);
    return { out: tensor("f32", x.shape), params: [{ role: "weight", shape: [d] }, { role: "bias", shape: [d] }], inSize: d };
  },
};

export const batchNorm: LayerSpec = {
  kind: "layer",
  name: "BatchNorm",
  summary: "Normalizes each channel over the batch (and spatial axes) on [B, C, …]; running stats are buffers.",
  args: [
    { name: "momentum", kind: "float", default: 0.1 },
    { name: "eps", kind: "float", default: 1e-5 },
  ],
  apply(_cfg, x, _t, err) {
    if (!checkMinRank("BatchNorm", x, 2, "[batch, channels, …]", err) || !checkDtype("BatchNorm", x, "f32", err)) return undefined;
    const c = x.shape[1]!;
    return {
      out: tensor("f32", x.shape),
      params: [
        { role: "weight", shape: [c] },
        { role: "bias", shape: [c] },
        { role: "running_mean", shape: [c], buffer: true },
        { role: "running_var", shape: [c], buffer: true },
      ],
      inSize: c,
    };
  },
};

export const positionalEmbedding: LayerSpec = {
  kind: "layer",
  name: "PositionalEmbedding",
  summary: "Adds a position vector to each step of [B, T, D]: learned (max × D weights) or sinusoidal (none).",
  args: [
    { name: "max", kind: "int", doc: "longest sequence" },
    { name: "kind", kind: "enum", words: ["learned", "sinusoidal"], default: "learned" },
  ],
  apply(cfg, x, _t, err) {
    if (!checkRank("PositionalEmbedding", x, 3, "[batch, time, features]", err)) return undefined;
    if (!checkDtype("PositionalEmbedding", x, "f32", err)) return undefined;
    const t = dimValue(x.shape[1]!);
    const max = cfgNum(cfg, "max");
    if (t !== undefined && max !== undefined && t > max)
      err("DLM2010", `PositionalEmbedding(max: ${max}) is applied to ${t} steps (${x.desc}): the sequence is longer than max`);
    const d = x.shape[2]!;
    const params = cfg["kind"] === "sinusoidal" ? [] : [{ role: "weight", shape: [cfgDim(cfg, "max") ?? dimConst(0), d] }];
    return { out: tensor("f32", x.shape), params, inSize: d };
  },
};

export const classToken: LayerSpec = {
  kind: "layer",
  name: "ClassToken",
  summary: "Prepends one learned vector to the sequence: [B, T, D] → [B, T + 1, D].",
  args: [],
  apply(_cfg, x, _t, err) {
    if (!checkRank("ClassToken", x, 3, "[batch, time, features]", err) || !checkDtype("ClassToken", x, "f32", err)) return undefined;
    const [b, t, d] = x.shape as [Dim, Dim, Dim];
    return { out: tensor("f32", [b, dimAdd(t, dimConst(1)), d]), params: [{ role: "token", shape: [dimConst(1), dimConst(1), d] }], inSize: d };
  },
};

export const denseLayers = [dense, embedding, layerNorm, batchNorm, positionalEmbedding, classToken];

