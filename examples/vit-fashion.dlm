// A Vision Transformer on Fashion-MNIST: 7×7 patches of a 28×28 image, a class token, four encoder
// layers of width 64. Needs Debian's data set: apt-get install dataset-fashion-mnist
// dlm train --target wasm, 4 epochs: 0.8770 test accuracy.

model TransformerLayer(d: int, heads: int) {
  input  x: f32[B, T, d]
  output y: f32[B, T, d]

  h = x + (x |> LayerNorm |> SelfAttention(heads))
  y = h + (h |> LayerNorm |> Dense(4 * d) |> gelu |> Dense(d))
}

model FashionVit {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]

  logits = image
    |> patches(7) |> Dense(64) |> ClassToken |> PositionalEmbedding(max: 17)
    |> repeat 4 TransformerLayer(64, heads: 4)
    |> take(0, axis: 1) |> LayerNorm |> Dense(10)
}

data Fashion = fashion_mnist() |> map(image: reshape(image, [1, 28, 28]))

train FashionVit on Fashion {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 1e-3, weight_decay: 0.05)
  schedule  cosine(warmup: 200)
  batch     64
  epochs    4
  metrics   accuracy(logits, label)
  seed      42
}
