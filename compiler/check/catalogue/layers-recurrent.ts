// Recurrent layers over [B, T, I]: RNN (tanh), LSTM, GRU. PyTorch layout: weight_ih [gH, I],
// weight_hh [gH, H], bias_ih [gH], bias_hh [gH] with g = 1, 4, 3 gates. The state is h: f32[B, H]
// (LSTM: the tuple (h, c)); `initial:` seeds it, `return_state: true` returns (output, state).
// `truncate: k` is truncated backpropagation through time: the forward pass runs over all T steps, the
// gradient flows back through the state for at most k of them (chunks of k steps, as in Williams & Peng).

import { dimConst, dimEquals, dimMul, type Dim } from "../dims.js";
import { cfgDim, cfgNum, checkDtype, checkRank, fmtType, tensor, type LayerSpec, type OutType, type StateArg } from "./spec.js";

function recurrent(name: "RNN" | "LSTM" | "GRU", gates: number, summary: string): LayerSpec {
  const stateParts = name === "LSTM" ? 2 : 1;
  return {
    kind: "layer",
    name,
    summary,
    args: [
      { name: "hidden", kind: "int", doc: "state size H" },
      { name: "return_sequences", kind: "bool", default: true },
      { name: "return_state", kind: "bool", default: false },
      { name: "initial", kind: "state", default: null, doc: name === "LSTM" ? "(h, c), each f32[B, H]" : "h: f32[B, H]" },
      { name: "truncate", kind: "int", default: null, doc: "backpropagate through at most this many steps (truncated BPTT); absent: all T" },
    ],
    apply(cfg, x, tensors, err) {
      if (!checkRank(name, x, 3, "[batch, time, features]", err) || !checkDtype(name, x, "f32", err)) return undefined;
      const [b, t, i] = x.shape as [Dim, Dim, Dim];
      const h = cfgDim(cfg, "hidden") ?? dimConst(0);
      const truncate = cfgNum(cfg, "truncate");
      if (truncate !== undefined && truncate < 1) err("DLM2010", `${name}: truncate must be at least 1 step, got ${truncate}`, "truncate");
      const stateType = tensor("f32", [b, h]);
      const init = tensors["initial"] as StateArg | undefined;
      if (init && init.tensors.length > 0) {
        const ok =
          init.tensors.length === stateParts &&
          init.tensors.every((s) => s.dtype === "f32" && s.shape.length === 2 && s.shape.every((d, k) => dimEquals(d, stateType.shape[k]!)));
        if (!ok) {
          const want = stateParts === 2 ? `(${fmtType(stateType)}, ${fmtType(stateType)})` : fmtType(stateType);
          err("DLM2014", `${name}(${cfg["hidden"] as number}) needs an initial state ${want} but ${init.desc}`, "initial");
        }
      }
      const gH = dimMul(dimConst(gates), h);
      const params = [
        { role: "weight_ih", shape: [gH, i] },
        { role: "weight_hh", shape: [gH, h] },
        { role: "bias_ih", shape: [gH] },
        { role: "bias_hh", shape: [gH] },
      ];
      const seq = cfg["return_sequences"] !== false ? tensor("f32", [b, t, h]) : tensor("f32", [b, h]);
      const state: OutType = stateParts === 2 ? [stateType, stateType] : stateType;
      const out: OutType = cfg["return_state"] === true ? [seq, state] : seq;
      return { out, params, inSize: i };
    },
  };
}

export const rnn = recurrent("RNN", 1, "Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh), over [B, T, I].");
export const lstm = recurrent("LSTM", 4, "LSTM over [B, T, I]; state (h, c).");
export const gru = recurrent("GRU", 3, "GRU over [B, T, I]; state h.");

export const recurrentLayers = [rnn, lstm, gru];
