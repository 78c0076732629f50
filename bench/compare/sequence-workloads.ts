// The two sequence workloads of the comparison protocol (shared/anchors/PERFORMANCE.md): a character
// LSTM language model (embedding 64, LSTM 128) and a 1-block Transformer language model (d 128, 4 heads,
// feed-forward 512, causal), each trained on 32 sequences of 64 characters over a 96-id vocabulary, with
// the loss at every position. Their figures are sequences/s. This file holds only data (no imports but
// types), so protocol.ts can list the workloads without an import cycle.

import type { Workload } from "./protocol.js";

export const SEQ_LENGTH = 64;
export const SEQ_VOCAB = 96;
export const SEQ_BATCH = 32;

export const SEQUENCE_WORKLOADS: readonly Workload[] = [
  {
    name: "lstm",
    label: "char LSTM",
    description: "char LSTM: embedding 96→64, LSTM 128, dense 96 at every position; 32 sequences of 64",
    inputShape: [SEQ_LENGTH],
    classes: SEQ_VOCAB,
    trainBatch: SEQ_BATCH,
    inferBatch: SEQ_BATCH,
  },
  {
    name: "transformer",
    label: "Transformer",
    description: "1-block Transformer LM: embedding 96→128 + learned positions, pre-LN causal attention (4 heads), feed-forward 512 (gelu), LayerNorm, dense 96; 32 sequences of 64",
    inputShape: [SEQ_LENGTH],
    classes: SEQ_VOCAB,
    trainBatch: SEQ_BATCH,
    inferBatch: SEQ_BATCH,
  },
];

export function isSequenceWorkload(w: Pick<Workload, "name">): boolean {
  return w.name === "lstm" || w.name === "transformer";
}
