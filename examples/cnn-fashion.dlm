// Fashion-MNIST: the small convolutional network (conv32-pool-conv64-pool-dense128-10).
// Needs Debian's data set: apt-get install dataset-fashion-mnist

model FashionCnn {
  input  image: f32[B, 1, 28, 28]
  output logits: f32[B, 10]

  logits = image
    |> Conv2d(32, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> Conv2d(64, kernel: 3, pad: same) |> relu |> max_pool(2)
    |> flatten |> dropout(0.3) |> Dense(128) |> relu |> Dense(10)
}

data Fashion = fashion_mnist() |> map(image: reshape(image, [1, 28, 28]))

train FashionCnn on Fashion {
  loss      cross_entropy(logits, label)
  optimizer adam(lr: 1e-3)
  batch     64
  epochs    10
  metrics   accuracy(logits, label)
  seed      42
}
