// An LSTM that reads a Fashion-MNIST image as a sequence of 28 rows (28 pixels each) and classifies it
// from its last state. Needs Debian's data set: apt-get install dataset-fashion-mnist
// dlm train --target wasm, 3 epochs: 0.8716 test accuracy.

model RowLstm {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]

  logits = image |> LSTM(128) |> last |> Dense(10)
}

data Fashion = fashion_mnist()

train RowLstm on Fashion {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 2e-3)
  schedule  cosine(warmup: 100)
  clip      1.0
  batch     64
  epochs    3
  metrics   accuracy(logits, label)
  seed      42
}
