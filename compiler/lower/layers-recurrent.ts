// RNN, LSTM and GRU, unrolled over T with the same weight nodes at every step.
//
// Why unrolled: shapes are static (T is bound before lowering), so the recurrence becomes straight-line IR
// that every later pass (fusion, memory planning, both emitters) handles with no loop construct, and
// backpropagation through time comes for free from autodiff over the unrolled graph (the shared weights
// simply collect one gradient contribution per step). The input projection x·W_ihᵀ + b_ih is done once for
// all steps as one [B·T, I] matmul; only h·W_hhᵀ + b_hh is per step. Gate order is PyTorch's: LSTM i, f,
// g, o; GRU r, z, n with n = tanh(x_n + r ⊙ (W_hn h + b_hn)).
//
// Truncated BPTT (`truncate: k`) is a stop_gradient on the carried state at every k-th step: the forward
// values are those of the full recurrence, and each chunk of k steps gets the gradient it would get if it
// started from a constant state. It bounds how far back gradients reach (long sequences, exploding
// gradients); it does not save memory or time here, since the unrolled graph keeps every step.

import type { NodeId } from "../ir/graph.js";
import type { Op } from "../check/types.js";
import { cfgBool, cfgNumber, inputOf, requireParam, type LowerCtx, type OpRule } from "./context.js";
import { linear } from "./layers-dense.js";

type Kind = "RNN" | "LSTM" | "GRU";

function recurrent(kind: Kind): OpRule {
  return (ctx: LowerCtx, op: Op, ins: NodeId[]) => {
    const { b } = ctx;
    const x = ins[0]!;
    const [batch, steps] = b.shape(x) as [number, number, number];
    const wih = requireParam(ctx, op, "weight_ih");
    const whh = requireParam(ctx, op, "weight_hh");
    const bih = requireParam(ctx, op, "bias_ih");
    const bhh = requireParam(ctx, op, "bias_hh");
    const hidden = b.shape(whh)[1]!;
    const gates = b.shape(wih)[0]!;
    const xw = linear(ctx, x, wih, bih); // [B, T, gH]
    const zeros = () => b.const([0], [batch, hidden]);
    let h = inputOf(op, ins, kind === "LSTM" ? "initial.0" : "initial") ?? zeros();
    let c = kind === "LSTM" ? (inputOf(op, ins, "initial.1") ?? zeros()) : undefined;
    const part = (v: NodeId, i: number) => b.slice(v, 1, i * hidden, (i + 1) * hidden);
    const truncate = cfgNumber(ctx, op.config, "truncate", steps);
    const outs: NodeId[] = [];
    for (let t = 0; t < steps; t++) {
      if (t > 0 && t % truncate === 0) {
        h = b.stopGradient(h);
        if (c !== undefined) c = b.stopGradient(c);
      }
      const xt = b.reshape(b.slice(xw, 1, t, t + 1), [batch, gates]);
      const hw = linear(ctx, h, whh, bhh);
      if (kind === "RNN") {
        h = b.unary("tanh", b.add(xt, hw));
      } else if (kind === "LSTM") {
        const z = b.add(xt, hw);
        const i = b.unary("sigmoid", part(z, 0));
        const f = b.unary("sigmoid", part(z, 1));
        const g = b.unary("tanh", part(z, 2));
        const o = b.unary("sigmoid", part(z, 3));
        c = b.add(b.mul(f, c!), b.mul(i, g));
        h = b.mul(o, b.unary("tanh", c));
      } else {
        const r = b.unary("sigmoid", b.add(part(xt, 0), part(hw, 0)));
        const z = b.unary("sigmoid", b.add(part(xt, 1), part(hw, 1)));
        const n = b.unary("tanh", b.add(part(xt, 2), b.mul(r, part(hw, 2))));
        // h' = (1 − z)·n + z·h = n + z·(h − n)
        h = b.add(n, b.mul(z, b.sub(h, n)));
      }
      outs.push(h);
    }
    const seq = cfgBool(op.config, "return_sequences", true)
      ? b.concat(outs.map((o) => b.reshape(o, [batch, 1, hidden])), 1)
      : h;
    if (!cfgBool(op.config, "return_state", false)) return [seq];
    return kind === "LSTM" ? [seq, h, c!] : [seq, h];
  };
}

export const recurrentRules: Record<string, OpRule> = { RNN: recurrent("RNN"), LSTM: recurrent("LSTM"), GRU: recurrent("GRU") };
