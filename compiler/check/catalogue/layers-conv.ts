// Convolutions: Conv1d on [B, C, L], Conv2d on [B, C, H, W], ConvTranspose2d. PyTorch semantics:
// out = ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1; transposed: (in − 1)s − 2p + d(k − 1) + op + 1.
// `pad: same` keeps the size (stride 1, as PyTorch requires); the resolved per-axis padding
// [before, after] goes into the config for lowering (an even kernel pads one more after).

import { dimAdd, dimConst, dimFloorDiv, dimMul, dimSub, dimValue, type Dim } from "../dims.js";
import type { Config, ConfigValue } from "../types.js";
import { cfgDim, cfgInts, checkDtype, checkRank, tensor, type ArgSpec, type ErrFn, type LayerSpec, type TypedInput } from "./spec.js";

const convArgs: ArgSpec[] = [
  { name: "out", kind: "int", doc: "output channels" },
  { name: "kernel", kind: "ints", doc: "kernel size, int or per axis" },
  { name: "stride", kind: "ints", default: 1 },
  { name: "pad", kind: "ints", words: ["same", "valid"], default: 0 },
  { name: "dilation", kind: "ints", default: 1 },
  { name: "bias", kind: "bool", default: true },
];

const one = dimConst(1);

function convOut(size: Dim, k: Dim, s: Dim, p: Dim, d: Dim): Dim {
  const span = dimAdd(dimMul(d, dimSub(k, one)), one);
  return dimAdd(dimFloorDiv(dimSub(dimAdd(size, dimMul(dimConst(2), p)), span), s), one);
}

/** Shared by Conv1d and Conv2d: n spatial axes. */
function convApply(name: string, n: number, axes: string, cfg: Config, x: TypedInput, err: ErrFn) {
  if (!checkRank(name, x, n + 2, axes, err) || !checkDtype(name, x, "f32", err)) return undefined;
  const out = cfgDim(cfg, "out") ?? dimConst(0);
  const k = cfgInts(cfg, "kernel", n);
  const s = cfgInts(cfg, "stride", n);
  const d = cfgInts(cfg, "dilation", n);
  const same = cfg["pad"] === "same";
  const p = cfg["pad"] === "same" || cfg["pad"] === "valid" ? cfgInts({ pad: 0 }, "pad", n) : cfgInts(cfg, "pad", n);
  const spatial: Dim[] = [];
  const padding: ConfigValue[] = [];
  for (let i = 0; i < n; i++) {
    const ki = k[i] ?? one;
    const si = s[i] ?? one;
    const di = d[i] ?? one;
    const size = x.shape[2 + i]!;
    const kv = dimValue(ki);
    if (kv !== undefined && kv < 1) err("DLM2010", `${name} kernel must be at least 1, got ${kv}`, "kernel");
    if (same) {
      if (dimValue(si) !== 1) err("DLM2010", `${name} with pad: same needs stride 1`, "stride");
      const total = dimMul(di, dimSub(ki, one));
      const tv = dimValue(total);
      padding.push(tv === undefined ? [null, null] : [Math.floor(tv / 2), tv - Math.floor(tv / 2)]);
      spatial.push(size);
      continue;
    }
    const pi = p[i] ?? dimConst(0);
    const pv = dimValue(pi);
    padding.push([pv ?? null, pv ?? null]);
    const o = convOut(size, ki, si, pi, di);
    const ov = dimValue(o);
    if (ov !== undefined && ov < 1) {
      err("DLM2010", `${x.desc} but ${name} with kernel ${dimValue(ki) ?? "?"} leaves no output on axis ${2 + i} (size ${ov})`);
      return undefined;
    }
    spatial.push(o);
  }
  const c = x.shape[1]!;
  const weight = [out, c, ...k.map((v) => v ?? one)];
  const params = [{ role: "weight", shape: weight }];
  if (cfg["bias"] !== false) params.push({ role: "bias", shape: [out] });
  return { out: tensor("f32", [x.shape[0]!, out, ...spatial]), params, inSize: c, config: { padding } };
}

export const conv1d: LayerSpec = {
  kind: "layer",
  name: "Conv1d",
  summary: "1-d convolution over [B, C, L] → [B, out, L'].",
  args: convArgs,
  apply: (cfg, x, _t, err) => convApply("Conv1d", 1, "[batch, channels, length]", cfg, x, err),
};

export const conv2d: LayerSpec = {
  kind: "layer",
  name: "Conv2d",
  summary: "2-d convolution over [B, C, H, W] → [B, out, H', W'].",
  args: convArgs,
  apply: (cfg, x, _t, err) => convApply("Conv2d", 2, "[batch, channels, height, width]", cfg, x, err),
};

export const convTranspose2d: LayerSpec = {
  kind: "layer",
  name: "ConvTranspose2d",
  summary: "Transposed 2-d convolution: H' = (H − 1)s − 2p + d(k − 1) + output_pad + 1.",
  args: [
    { name: "out", kind: "int" },
    { name: "kernel", kind: "ints" },
    { name: "stride", kind: "ints", default: 1 },
    { name: "pad", kind: "ints", default: 0 },
    { name: "output_pad", kind: "ints", default: 0 },
    { name: "dilation", kind: "ints", default: 1 },
    { name: "bias", kind: "bool", default: true },
  ],
  apply(cfg, x, _t, err) {
    if (!checkRank("ConvTranspose2d", x, 4, "[batch, channels, height, width]", err)) return undefined;
    if (!checkDtype("ConvTranspose2d", x, "f32", err)) return undefined;
    const out = cfgDim(cfg, "out") ?? dimConst(0);
    const k = cfgInts(cfg, "kernel", 2);
    const s = cfgInts(cfg, "stride", 2);
    const p = cfgInts(cfg, "pad", 2);
    const op = cfgInts(cfg, "output_pad", 2);
    const d = cfgInts(cfg, "dilation", 2);
    const spatial: Dim[] = [];
    for (let i = 0; i < 2; i++) {
      const size = x.shape[2 + i]!;
      const [ki, si, pi, oi, di] = [k[i] ?? one, s[i] ?? one, p[i] ?? dimConst(0), op[i] ?? dimConst(0), d[i] ?? one];
      const o = dimAdd(
        dimAdd(dimSub(dimMul(dimSub(size, one), si), dimMul(dimConst(2), pi)), dimMul(di, dimSub(ki, one))),
        dimAdd(oi, one),
      );
      const ov = dimValue(o);
      if (ov !== undefined && ov < 1) {
        err("DLM2010", `${x.desc} but ConvTranspose2d leaves no output on axis ${2 + i} (size ${ov})`);
        return undefined;
      }
      spatial.push(o);
    }
    const c = x.shape[1]!;
    const params = [{ role: "weight", shape: [c, out, ...k.map((v) => v ?? one)] }];
    if (cfg["bias"] !== false) params.push({ role: "bias", shape: [out] });
    return { out: tensor("f32", [x.shape[0]!, out, ...spatial]), params, inSize: c };
  },
};

export const convLayers = [conv1d, conv2d, convTranspose2d];
