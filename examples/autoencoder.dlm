// A dense autoencoder. Its per-example reconstruction error is an anomaly score: inputs unlike the
// training data reconstruct badly.

model Autoencoder {
  input  x: f32[B, 784]
  output recon: f32[B, 784]
  output score: f32[B]

  code = x |> Dense(128) |> relu |> Dense(16) |> relu
  recon = code |> Dense(128) |> relu |> Dense(784) |> sigmoid
  score = mse(recon, x, reduce: none)
}

data Digits = mnist()
  |> map(x: reshape(image, [784]))
  |> split(train: 0.8, test: 0.2, seed: 7)

train Autoencoder on Digits {
  loss      mse(recon, x)
  optimizer adam(lr: 1e-3)
  batch     64
  epochs    10
  seed      42
}
