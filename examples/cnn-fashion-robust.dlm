// Fashion-MNIST, adversarially trained: cnn-fashion.dlm's network, trained on FGSM-perturbed images
// (each step perturbs its batch along sign(∂loss/∂image) from a random point of the eps-ball, computed in
// the same compiled step, and minimises mix·clean loss + (1 − mix)·perturbed loss). Compare with the
// plain network:
//   dlm train examples/cnn-fashion-robust.dlm --target wasm --save robust.safetensors
//   dlm attack examples/cnn-fashion-robust.dlm --checkpoint robust.safetensors --eps 0.1
// Measured (--target wasm, 10,000 test images): cnn-fashion.dlm 0.920 clean, 0.154 under FGSM at eps 0.1;
// this file 0.875 clean, 0.731 under FGSM. PGD (--method pgd, 10 steps, first 1,000 images): 0.000 and
// 0.644. Without random_start (plain FGSM training, 6 epochs): 0.907 clean, 0.792 FGSM, but 0.233 PGD.
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
  loss        cross_entropy(logits, label)
  optimizer   adam(lr: 1e-3)
  adversarial fgsm(eps: 0.1, mix: 0.5, random_start: true)
  batch       64
  epochs      5
  metrics     accuracy(logits, label)
  seed        42
}
