// Pooling and resizing on channel-first tensors: max_pool / avg_pool on [B, C, H, W] or [B, C, L]
// (out = ⌊(in + 2p − k) / s⌋ + 1), global pools [B, C, …] → [B, C], upsample by an integer factor.

import { dimAdd, dimConst, dimFloorDiv, dimMul, dimSub, dimValue, type Dim } from "../dims.js";
import { cfgNum, fmtType, tensor, type FunctionSpec } from "./spec.js";

function pool(name: string): FunctionSpec {
  return {
    kind: "function",
    name,
    summary: `${name === "max_pool" ? "Max" : "Average"} over k×k windows of [B, C, H, W] (or k of [B, C, L]).`,
    args: [
      { name: "x", kind: "tensor" },
      { name: "kernel", kind: "int" },
      { name: "stride", kind: "int", default: null, doc: "defaults to kernel" },
      { name: "pad", kind: "int", default: 0 },
    ],
    infer(cfg, [x], err) {
      if (!x) return undefined;
      if (x.shape.length !== 3 && x.shape.length !== 4) {
        err("DLM2003", `${x.desc} but ${name} expects 4 dims [batch, channels, height, width] (or 3 for 1-d)`);
        return undefined;
      }
      const k = cfgNum(cfg, "kernel") ?? 1;
      const s = cfgNum(cfg, "stride") ?? k;
      const p = cfgNum(cfg, "pad") ?? 0;
      if (k < 1 || s < 1 || p < 0) {
        err("DLM2010", `${name}: kernel and stride must be at least 1 and pad not negative`);
        return undefined;
      }
      const spatial: Dim[] = [];
      for (const size of x.shape.slice(2)) {
        const o = dimAdd(dimFloorDiv(dimSub(dimAdd(size, dimConst(2 * p)), dimConst(k)), dimConst(s)), dimConst(1));
        const ov = dimValue(o);
        if (ov !== undefined && ov < 1) {
          err("DLM2010", `${name}(${k}) on ${fmtType(x)} leaves no output`);
          return undefined;
        }
        spatial.push(o);
      }
      return tensor(x.dtype, [x.shape[0]!, x.shape[1]!, ...spatial]);
    },
  };
}

export const maxPool = pool("max_pool");
export const avgPool = pool("avg_pool");

function globalPool(name: string, what: string): FunctionSpec {
  return {
    kind: "function",
    name,
    summary: `${what} over all axes after the channels: [B, C, …] → [B, C].`,
    args: [{ name: "x", kind: "tensor" }],
    infer(_cfg, [x], err) {
      if (!x) return undefined;
      if (x.shape.length < 3) {
        err("DLM2003", `${x.desc} but ${name} expects at least 3 dims [batch, channels, …]`);
        return undefined;
      }
      return tensor(x.dtype, x.shape.slice(0, 2));
    },
  };
}

export const globalAvgPool = globalPool("global_avg_pool", "Mean");
export const globalMaxPool = globalPool("global_max_pool", "Max");

export const upsample: FunctionSpec = {
  kind: "function",
  name: "upsample",
  summary: "Scales the spatial axes of [B, C, H, W] (or [B, C, L]) by an integer factor.",
  args: [
    { name: "x", kind: "tensor" },
    { name: "factor", kind: "int" },
    { name: "mode", kind: "enum", words: ["nearest", "bilinear"], default: "nearest" },
  ],
  infer(cfg, [x], err) {
    if (!x) return undefined;
    if (x.shape.length !== 3 && x.shape.length !== 4) {
      err("DLM2003", `${x.desc} but upsample expects 4 dims [batch, channels, height, width] (or 3 for 1-d)`);
      return undefined;
    }
    const f = cfgNum(cfg, "factor") ?? 1;
    if (f < 1) {
      err("DLM2010", `upsample: factor must be at least 1, got ${f}`, "factor");
      return undefined;
    }
    if (cfg["mode"] === "bilinear" && x.shape.length !== 4) err("DLM2010", "upsample: bilinear needs [B, C, H, W]", "mode");
    return tensor(x.dtype, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map((d) => dimMul(d, dimConst(f)))]);
  },
};

export const poolFunctions = [maxPool, avgPool, globalAvgPool, globalMaxPool, upsample];
