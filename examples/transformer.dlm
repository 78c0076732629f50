// A character language model with a small decoder-only Transformer (GPT-style), on Moby Dick.
// dlm train --target wasm, 8 epochs: 2.342 validation bits/char (to beat: the 4-gram baseline, 2.492).

model TransformerLayer(d: int, heads: int, causal: bool = false) {
  input  x: f32[B, T, d]
  output y: f32[B, T, d]

  h = x + (x |> LayerNorm |> SelfAttention(heads, causal: causal))
  y = h + (h |> LayerNorm |> Dense(4 * d) |> gelu |> Dense(d))
}

model CharGpt(vocab: int = 96, d: int = 64) {
  input  tokens: i32[B, T]
  output logits: f32[B, T, vocab]

  logits = tokens
    |> Embedding(vocab, d) |> PositionalEmbedding(max: 64)
    |> repeat 2 TransformerLayer(d, heads: 4, causal: true)
    |> LayerNorm |> Dense(vocab)
}

data MobyDick = moby_dick()
  |> chars(context: 64, vocab: 96)
  |> split(train: 0.9, validation: 0.1, shuffle: false)

train CharGpt on MobyDick {
  loss      cross_entropy(logits, targets)
  optimizer adamw(lr: 3e-3, weight_decay: 0.01)
  schedule  cosine(warmup: 200)
  clip      1.0
  batch     32
  epochs    8
  metrics   bits_per_char: cross_entropy(logits, targets) / 0.6931471805599453
  validate  every: 1
  seed      42
}

generate CharGpt {
  prompt      "Call me Ishmael. "
  steps       200
  temperature 0.8
}
