// Gradient rules of the softmax family. The forward ops get their dedicated backward ops; the backward ops
// get rules too (written from elementwise ops), so second-order uses and the completeness test are covered.
//
// softmax_backward(y, d) = y·(d − s), s = Σ d·y:
//   ∂/∂d: softmax_backward(y, g)    ∂/∂y: g·(d − s) − d·Σ g·y
// log_softmax_backward(y, d) = d − e^y·S, S = Σ d:
//   ∂/∂d: g − Σ g·e^y               ∂/∂y: −g·e^y·S

import type { RuleTable } from "../rule.js";

export const softmaxRules: RuleTable<"softmax" | "log_softmax" | "softmax_backward" | "log_softmax_backward"> = {
  softmax: ({ b, node, dy }) => [b.emit("softmax_backward", [node.id, dy], { axis: node.attrs.axis })],
  log_softmax: ({ b, node, dy }) => [b.emit("log_softmax_backward", [node.id, dy], { axis: node.attrs.axis })],
  softmax_backward: ({ b, node, dy: g, needs }) => {
    const [y, d] = node.inputs as [number, number];
    const { axis } = node.attrs;
    const gy = () => {
      const s = b.sum(b.mul(d, y), axis, true);
      return b.sub(b.mul(g, b.sub(d, s)), b.mul(d, b.sum(b.mul(g, y), axis, true)));
    };
    return [needs[0] ? gy() : null, needs[1] ? b.emit("softmax_backward", [y, g], { axis }) : null];
  },
  log_softmax_backward: ({ b, node, dy: g, needs }) => {
    const [y, d] = node.inputs as [number, number];
    const { axis } = node.attrs;
    const ey = b.exp(y);
    return [
      needs[0] ? b.neg(b.mul(b.mul(g, ey), b.sum(d, axis, true))) : null,
      needs[1] ? b.sub(g, b.sum(b.mul(g, ey), axis, true)) : null,
    ];
  },
};
