// Gradient rules of conv2d and its two backward ops. All three are bilinear and adjoint to each other:
// with C = conv2d, Bx = conv2d_backward_input, Bw = conv2d_backward_weight,
//   ⟨C(x, w), d⟩ = ⟨x, Bx(d, w)⟩ = ⟨w, Bw(x, d)⟩,
// so each one's gradients are the other two (which lets ConvTranspose2d, forward = Bx, train too).

import type { ConvAttrs } from "../../ir/op-attrs.js";
import type { RuleTable } from "../rule.js";

const conv = (a: ConvAttrs): ConvAttrs => ({ stride: a.stride, pad: a.pad, dilation: a.dilation, groups: a.groups });

export const convRules: RuleTable<"conv2d" | "conv2d_backward_input" | "conv2d_backward_weight"> = {
  conv2d: ({ b, node, dy, needs }) => {
    const [x, w] = node.inputs as [number, number];
    const [, , h, wd] = b.shape(x) as [number, number, number, number];
    const [, , kh, kw] = b.shape(w) as [number, number, number, number];
    return [
      needs[0] ? b.emit("conv2d_backward_input", [dy, w], { ...conv(node.attrs), inputSize: [h, wd] }) : null,
      needs[1] ? b.emit("conv2d_backward_weight", [x, dy], { ...conv(node.attrs), kernel: [kh, kw] }) : null,
    ];
  },
  // z = Bx(d, w), g has x's shape: ∂/∂d = C(g, w), ∂/∂w = Bw(g, d)
  conv2d_backward_input: ({ b, node, dy: g, needs }) => {
    const [d, w] = node.inputs as [number, number];
    const [, , kh, kw] = b.shape(w) as [number, number, number, number];
    return [
      needs[0] ? b.emit("conv2d", [g, w], conv(node.attrs)) : null,
      needs[1] ? b.emit("conv2d_backward_weight", [g, d], { ...conv(node.attrs), kernel: [kh, kw] }) : null,
    ];
  },
  // z = Bw(x, d), g has w's shape: ∂/∂x = Bx(d, g), ∂/∂d = C(x, g)
  conv2d_backward_weight: ({ b, node, dy: g, needs }) => {
    const [x, d] = node.inputs as [number, number];
    const [, , h, wd] = b.shape(x) as [number, number, number, number];
    return [
      needs[0] ? b.emit("conv2d_backward_input", [d, g], { ...conv(node.attrs), inputSize: [h, wd] }) : null,
      needs[1] ? b.emit("conv2d", [x, g], conv(node.attrs)) : null,
    ];
  },
};
