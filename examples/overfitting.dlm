// Overfitting made visible: the same wide perceptron trained on only 1,000 Fashion-MNIST images, twice.
// Needs Debian's data set: apt-get install dataset-fashion-mnist
//   Memorizer   — no regularization: it fits its 1,000 training images perfectly and generalizes worse.
//   Regularized — dropout, weight decay and early stopping (the best validation epoch's weights are
//                 restored at the end): the train − validation gap shrinks.
//
//   dlm train examples/overfitting.dlm --model Memorizer --save memorizer.safetensors
//   dlm evaluate examples/overfitting.dlm --model Memorizer --checkpoint memorizer.safetensors
//   (the same with --model Regularized; `evaluate` prints train and validation accuracy and their gap)

model Memorizer {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]

  logits = image |> flatten |> Dense(512) |> relu |> Dense(512) |> relu |> Dense(10)
}

model Regularized {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]

  logits = image |> flatten |> dropout(0.2) |> Dense(512) |> relu |> dropout(0.5)
    |> Dense(512) |> relu |> dropout(0.5) |> Dense(10)
}

// 1,000 training images from Fashion-MNIST's training file; validation and test parts the same for both.
data FewClothes = idx(images: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                      labels: "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")
  |> split(train: 1000, validation: 2000, test: 5000, seed: 7)

train Memorizer on FewClothes {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 1e-3)
  batch     50
  epochs    60
  metrics   accuracy(logits, label)
  validate  every: 1
  seed      42
}

train Regularized on FewClothes {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 1e-3, weight_decay: 0.1)
  batch     50
  epochs    60
  metrics   accuracy(logits, label)
  validate  every: 1, early_stop(patience: 8)
  seed      42
}
