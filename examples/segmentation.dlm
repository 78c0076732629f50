// Per-pixel segmentation of 64×64 canvases holding one to three digits: a small U-Net.
// Classes: 0 is background, 1 + d is digit d.

model Segmenter {
  input  image: f32[B, 1, 64, 64]
  output logits: f32[B, 11, 64, 64]

  e1 = image |> Conv2d(16, kernel: 3, pad: same) |> relu                  // 64×64
  e2 = e1 |> max_pool(2) |> Conv2d(32, kernel: 3, pad: same) |> relu      // 32×32
  e3 = e2 |> max_pool(2) |> Conv2d(64, kernel: 3, pad: same) |> relu      // 16×16
  d2 = e3 |> ConvTranspose2d(32, kernel: 2, stride: 2) |> relu            // back to 32×32
  d1 = concat(d2, e2, axis: 1) |> Conv2d(32, kernel: 3, pad: same) |> relu |> upsample(2)
  logits = concat(d1, e1, axis: 1)
    |> Conv2d(16, kernel: 3, pad: same) |> relu
    |> Conv2d(11, kernel: 1)
}

data Canvases = digit_canvases(count: 3000, size: 64, digits: [1, 3], seed: 1)
  |> split(train: 0.8, test: 0.2, seed: 7)

train Segmenter on Canvases {
  loss      cross_entropy(logits, mask, axis: 1)
  optimizer adam(lr: 2e-3)
  batch     32
  epochs    8
  metrics   iou: mean_iou(logits, mask, axis: 1), accuracy(logits, mask, axis: 1)
  seed      1
}
