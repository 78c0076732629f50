// Fashion-MNIST autoencoder with a 32-number code: it should reconstruct the test set better than the
// 32 best linear directions (PCA) do, and its per-example reconstruction error is an anomaly score.
// Needs Debian's data set: apt-get install dataset-fashion-mnist
//
//   dlm train examples/autoencoder-fashion.dlm --target wasm --save ae.safetensors   (test mse)
//   dlm pca examples/autoencoder-fashion.dlm --components 32                          (the PCA baseline)
//   dlm reconstruct examples/autoencoder-fashion.dlm --checkpoint ae.safetensors --pca 32 -o recon.png
//   dlm anomaly examples/autoencoder-fashion.dlm --target wasm --epochs 10   (one class at a time: AUROC)

model FashionAutoencoder {
  input  x: f32[B, 784]
  output recon: f32[B, 784]
  output score: f32[B]

  // The code is linear: a relu there would waste the directions it zeroes.
  code  = x |> Dense(256) |> relu |> Dense(32)
  recon = code |> Dense(256) |> relu |> Dense(784) |> sigmoid
  score = mse(recon, x, reduce: none)
}

data Fashion = fashion_mnist() |> map(x: reshape(image, [784]))

train FashionAutoencoder on Fashion {
  loss      mse(recon, x)
  optimizer adam(lr: 1e-3)
  batch     64
  epochs    20
  seed      42
}
