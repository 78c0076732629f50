// Fashion-MNIST: the same perceptron on 60,000 clothing images (10 classes).
// Needs Debian's data set: apt-get install dataset-fashion-mnist

model FashionMlp {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]

  logits = image |> flatten |> Dense(512) |> relu |> dropout(0.3) |> Dense(10)
}

data Fashion = fashion_mnist()

train FashionMlp on Fashion {
  loss      cross_entropy(logits, label)
  optimizer adamw(lr: 1e-3, weight_decay: 0.05)
  schedule  cosine(warmup: 200)
  batch     64
  epochs    15
  metrics   accuracy(logits, label)
  seed      42
}
