// Digits: a small convolutional network (conv32-pool-conv64-pool-dense128-10) with dropout,
// validation and early stopping (the best epoch's weights are restored). Fastest with --target wasm.

model Cnn {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]

  logits = image
    |> Conv2d(32, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> Conv2d(64, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> flatten |> dropout(0.3) |> Dense(128) |> relu |> dropout(0.3) |> Dense(10)
}

data Digits = mnist()
  |> map(image: reshape(image, [1, 28, 28]))
  |> split(train: 0.7, validation: 0.1, test: 0.2, seed: 7)

train Cnn on Digits {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 2e-3, weight_decay: 0.05)
  schedule  cosine(warmup: 100)
  batch     64
  epochs    10
  metrics   accuracy(logits, label)
  validate  every: 1, early_stop(patience: 3)
  seed      42
}
