// Gradient rules of movement ops: each gradient moves dy back to where the input's elements came from
// (inverse permutation, sum over broadcast axes, zero padding for a slice, slices for concat and pad).

import type { Pair } from "../../ir/op-attrs.js";
import type { RuleTable } from "../rule.js";
import { unbroadcast } from "./shared.js";

export const movementRules: RuleTable<"reshape" | "transpose" | "broadcast_to" | "slice" | "concat" | "pad"> = {
  reshape: ({ b, node, dy }) => [b.reshape(dy, b.shape(node.inputs[0]!))],
  transpose: ({ b, node, dy }) => {
    const inverse = new Array<number>(node.attrs.perm.length);
    node.attrs.perm.forEach((p, k) => (inverse[p] = k));
    return [b.transpose(dy, inverse)];
  },
  broadcast_to: ({ b, node, dy }) => [unbroadcast(b, dy, b.shape(node.inputs[0]!))],
  slice: ({ b, node, dy }) => {
    const { axis, start, end } = node.attrs;
    const shape = b.shape(node.inputs[0]!);
    const pads = shape.map((d, k): Pair => (k === axis ? [start, d - end] : [0, 0]));
    return [b.pad(dy, pads)];
  },
  concat: ({ b, node, dy, needs }) => {
    const { axis } = node.attrs;
    let at = 0;
    return node.inputs.map((x, i) => {
      const len = b.shape(x)[axis]!;
      at += len;
      return needs[i] ? b.slice(dy, axis, at - len, at) : null;
    });
  },
  pad: ({ b, node, dy }) => {
    const shape = b.shape(node.inputs[0]!);
    let g = dy;
    node.attrs.pads.forEach(([before], k) => {
      if (b.shape(g)[k] !== shape[k]) g = b.slice(g, k, before, before + shape[k]!);
    });
    return [g];
  },
};
