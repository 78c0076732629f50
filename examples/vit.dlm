// A Vision Transformer: 7×7 patches of a 28×28 image, a class token, four encoder layers.

model TransformerLayer(d: int, heads: int) {
  input  x: f32[B, T, d]
  output y: f32[B, T, d]

  h = x + (x |> LayerNorm |> SelfAttention(heads))
  y = h + (h |> LayerNorm |> Dense(4 * d) |> gelu |> Dense(d))
}

model Vit {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]

  logits = image
    |> patches(7) |> Dense(64) |> ClassToken |> PositionalEmbedding(max: 17)
    |> repeat 4 TransformerLayer(64, heads: 4)
    |> take(0, axis: 1) |> LayerNorm |> Dense(10)
}

data Digits = mnist()
  |> map(image: reshape(image, [1, 28, 28]))
  |> split(train: 0.8, test: 0.2, seed: 7)

train Vit on Digits {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 1e-3, weight_decay: 0.05)
  schedule  cosine(warmup: 100)
  batch     64
  epochs    10
  metrics   accuracy(logits, label)
  seed      42
}
