// Gradient rule of matmul, C = op(A)·op(B), for the four transpose cases; each gradient is itself one matmul
// with flags chosen so no explicit transpose is materialised:
//   C = A B      dA = dC Bᵀ          dB = Aᵀ dC
//   C = Aᵀ B     dA = B dCᵀ          dB = A dC
//   C = A Bᵀ     dA = dC B           dB = dCᵀ A
//   C = Aᵀ Bᵀ    dA = Bᵀ dCᵀ         dB = dCᵀ Aᵀ
// Batch dims broadcast in the forward, so each gradient is then summed back to its operand's batch shape.

import type { RuleTable } from "../rule.js";
import { unbroadcast } from "./shared.js";

export const matmulRules: RuleTable<"matmul"> = {
  matmul: ({ b, node, dy, needs }) => {
    const [x, w] = node.inputs as [number, number];
    const { transA, transB } = node.attrs;
    const dA = () =>
      transA ? b.matmul(w, dy, { transA: transB, transB: true }) : b.matmul(dy, w, { transB: !transB });
    const dB = () =>
      transB ? b.matmul(dy, x, { transA: true, transB: transA }) : b.matmul(x, dy, { transA: !transA });
    return [needs[0] ? unbroadcast(b, dA(), b.shape(x)) : null, needs[1] ? unbroadcast(b, dB(), b.shape(w)) : null];
  },
};
