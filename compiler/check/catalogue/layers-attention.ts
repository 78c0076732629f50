// Attention: SelfAttention over [B, T, D] and MultiHeadAttention from queries [B, T, D] to a context
// [B, S, Dk]. Parameters follow torch.nn.MultiheadAttention: in_proj_weight [3D, D] (self) or separate
// q/k/v projection weights (cross, kdim = vdim = Dk), in_proj_bias [3D], out_proj.weight [D, D],
// out_proj.bias [D].

import { dimConst, dimEquals, dimMul, dimValue, formatDim, type Dim } from "../dims.js";
import { cfgNum, checkDtype, checkRank, tensor, type ErrFn, type LayerSpec, type TypedInput } from "./spec.js";

function checkHeads(name: string, d: Dim, cfgHeads: number | undefined, err: ErrFn): void {
  const dv = dimValue(d);
  if (cfgHeads !== undefined && cfgHeads < 1) err("DLM2010", `${name} needs at least one head, got ${cfgHeads}`, "heads");
  else if (dv !== undefined && cfgHeads !== undefined && dv % cfgHeads !== 0)
    err("DLM2010", `${name}: the feature size ${dv} does not divide into ${cfgHeads} heads`, "heads");
}

/** A padding mask is f32 [batch, keys] (1 attend, 0 skip) over the keys: the context's steps, or the input's. */
function checkMask(name: string, keys: TypedInput, mask: TypedInput | undefined, err: ErrFn): void {
  if (!mask || !("shape" in mask)) return;
  const want = [keys.shape[0]!, keys.shape[1]!];
  const same = mask.shape.length === 2 && want.every((w, i) => dimEquals(w, mask.shape[i]!));
  if (mask.dtype !== "f32") err("DLM2005", `${mask.desc} but the ${name} mask must be f32 (1 attend, 0 skip): padding_mask(ids) makes one`, "mask");
  else if (!same) err("DLM2014", `${mask.desc} but the ${name} mask must be [${want.map(formatDim).join(", ")}], one weight per key`, "mask");
}

export const selfAttention: LayerSpec = {
  kind: "layer",
  name: "SelfAttention",
  summary: "Multi-head self-attention over [B, T, D] (D % heads == 0); causal masks the future.",
  args: [
    { name: "heads", kind: "int" },
    { name: "causal", kind: "bool", default: false },
    { name: "mask", kind: "tensor", default: null },
  ],
  apply(cfg, x, tensors, err) {
    if (!checkRank("SelfAttention", x, 3, "[batch, time, features]", err) || !checkDtype("SelfAttention", x, "f32", err)) return undefined;
    const d = x.shape[2]!;
    checkHeads("SelfAttention", d, cfgNum(cfg, "heads"), err);
    checkMask("SelfAttention", x, tensors["mask"] as TypedInput | undefined, err);
    return {
      out: tensor("f32", x.shape),
      params: [
        { role: "in_proj_weight", shape: [dimMul(dimConst(3), d), d] },
        { role: "in_proj_bias", shape: [dimMul(dimConst(3), d)] },
        { role: "out_proj.weight", shape: [d, d] },
        { role: "out_proj.bias", shape: [d] },
      ],
      inSize: d,
    };
  },
};

export const multiHeadAttention: LayerSpec = {
  kind: "layer",
  name: "MultiHeadAttention",
  summary: "Multi-head attention from queries [B, T, D] over context [B, S, Dk] (itself when absent).",
  args: [
    { name: "heads", kind: "int" },
    { name: "context", kind: "tensor", default: null },
    { name: "causal", kind: "bool", default: false },
    { name: "mask", kind: "tensor", default: null },
  ],
  apply(cfg, x, tensors, err) {
    if (!checkRank("MultiHeadAttention", x, 3, "[batch, time, features]", err)) return undefined;
    if (!checkDtype("MultiHeadAttention", x, "f32", err)) return undefined;
    const d = x.shape[2]!;
    checkHeads("MultiHeadAttention", d, cfgNum(cfg, "heads"), err);
    const ctx = tensors["context"] as TypedInput | undefined;
    let dk = d;
    if (ctx && "shape" in ctx) {
      if (ctx.shape.length !== 3) {
        err("DLM2003", `${ctx.desc} but the MultiHeadAttention context needs 3 dims [batch, time, features]`, "context");
      } else if (ctx.dtype !== "f32") {
        err("DLM2005", `${ctx.desc} but the MultiHeadAttention context must be f32`, "context");
      } else {
        dk = ctx.shape[2]!;
        const bq = dimValue(x.shape[0]!);
        const bc = dimValue(ctx.shape[0]!);
        if (!dimEquals(x.shape[0]!, ctx.shape[0]!) && bq !== undefined && bc !== undefined)
          err("DLM2014", `MultiHeadAttention: queries have batch ${formatDim(x.shape[0]!)} but the context has ${formatDim(ctx.shape[0]!)}`, "context");
      }
    }
    checkMask("MultiHeadAttention", ctx && "shape" in ctx && ctx.shape.length === 3 ? ctx : x, tensors["mask"] as TypedInput | undefined, err);
    const d3 = dimMul(dimConst(3), d);
    return {
      out: tensor("f32", x.shape),
      params: [
        { role: "q_proj_weight", shape: [d, d] },
        { role: "k_proj_weight", shape: [d, dk] },
        { role: "v_proj_weight", shape: [d, dk] },
        { role: "in_proj_bias", shape: [d3] },
        { role: "out_proj.weight", shape: [d, d] },
        { role: "out_proj.bias", shape: [d] },
      ],
      inSize: d,
    };
  },
};

export const attentionLayers = [selfAttention, multiHeadAttention];
