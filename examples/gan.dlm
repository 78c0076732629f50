// A generative adversarial network on the digits: two models, two objectives, two optimizers.

model Generator {
  input  z: f32[B, 64]
  output img: f32[B, 784]

  img = z |> Dense(256) |> leaky_relu(0.2) |> Dense(784) |> sigmoid
}

model Discriminator {
  input  img: f32[B, 784]
  output real: f32[B, 1]

  real = img |> Dense(256) |> leaky_relu(0.2) |> Dense(1)
}

data Digits = mnist()

train Gan on Digits {
  g = Generator
  d = Discriminator
  step {
    fake = g(normal([B, 64]))
    // The discriminator learns real from fake; stop_grad keeps this loss from reaching the generator.
    minimize bce_logits(d(flatten(image)), 1) + bce_logits(d(stop_grad(fake)), 0) over d with adam(lr: 2e-4, beta1: 0.5)
    // The generator learns to make the discriminator say "real".
    minimize bce_logits(d(fake), 1) over g with adam(lr: 2e-4, beta1: 0.5)
  }
  batch     64
  epochs    20
  seed      42
}
