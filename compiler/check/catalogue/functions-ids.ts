// Functions of integer ids (tokens, characters, classes) that give f32 tensors: one_hot for a copy
// mechanism or a hand-written classifier target, padding_mask for attention over padded sequences.
// Neither has a gradient (ids are not differentiable), so both are constants to autodiff.

import { dimConst } from "../dims.js";
import { cfgNum, tensor, type ErrFn, type FunctionSpec, type TypedInput } from "./spec.js";

function needIds(name: string, x: TypedInput, err: ErrFn): boolean {
  if (x.dtype === "i32") return true;
  err("DLM2005", `${x.desc} but ${name} needs i32 ids`);
  return false;
}

export const oneHot: FunctionSpec = {
  kind: "function",
  name: "one_hot",
  summary: "i32 ids [...] → f32 [..., n]: 1 at each id's position, 0 elsewhere (ids outside 0…n−1 give a row of zeros).",
  args: [
    { name: "ids", kind: "tensor" },
    { name: "n", kind: "int" },
  ],
  infer(cfg, [x], err) {
    if (!x || !needIds("one_hot", x, err)) return undefined;
    const n = cfgNum(cfg, "n");
    if (n === undefined) return undefined;
    if (n < 1) {
      err("DLM2010", `one_hot needs n ≥ 1, got ${n}`, "n");
      return undefined;
    }
    return tensor("f32", [...x.shape, dimConst(n)]);
  },
};

export const paddingMask: FunctionSpec = {
  kind: "function",
  name: "padding_mask",
  summary: "i32 ids → f32 of the same shape: 1 where the id is not `pad`, 0 where it is.",
  args: [
    { name: "ids", kind: "tensor" },
    { name: "pad", kind: "int", default: 0 },
  ],
  infer(_cfg, [x], err) {
    if (!x || !needIds("padding_mask", x, err)) return undefined;
    return tensor("f32", x.shape);
  },
};

export const idFunctions: readonly FunctionSpec[] = [oneHot, paddingMask];
