// The Wasm target computes what the TS target computes, on the MLP and CNN examples and on recurrent layers
// with truncated BPTT (compare.ts says how).

import { describe, it } from "vitest";
import { lowerExample, lowerSource } from "../emit/examples.js";
import { compareTargets } from "./compare.js";

describe.each([
  { name: "mlp", batch: 16 },
  { name: "cnn", batch: 4 },
])("$name: Wasm target vs TS target", ({ name, batch }) => {
  it("same init, same forward, same state after one train step, loss goes down", async () => {
    await compareTargets(lowerExample(name, batch).program);
  }, 120_000);
});

describe("truncated BPTT: Wasm target vs TS target", () => {
  it("LSTM and GRU with truncate: 3 over 8 steps", async () => {
    const text = `model Chars(vocab: int = 12) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]
  logits = tokens |> Embedding(vocab, 8) |> LSTM(16, truncate: 3) |> GRU(16, truncate: 3) |> Dense(vocab)
}
data Text = moby_dick() |> chars(context: 8, vocab: 12)
train Chars on Text {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 1e-2)
  batch     4
}
`;
    await compareTargets(lowerSource(text, "chars.dlm").program);
  }, 120_000);
});
