// Per-pixel segmentation of 64×64 canvases holding one to three digits: a small U-Net.
// Classes: 0 is background, 1 + d is digit d. `dlm train` prints the mean IoU over the test set: each
// class's intersections and unions summed over every test image, then divided and averaged over classes.
// Telling digits apart needs context (the 8×8 level sees about 50 pixels); whether a pixel is on is local
// (the last layer sees the 64×64 features of the first). Fastest with --target wasm.
// Measured with --target wasm (10 epochs): test mean IoU 0.703 over the 11 classes, pixel accuracy 0.990.

model Segmenter {
  input  image: f32[B, 1, 64, 64]
  output logits: f32[B, 11, 64, 64]

  e1 = image |> Conv2d(16, kernel: 3, pad: same) |> BatchNorm |> relu                                  // 64×64
  e2 = e1 |> max_pool(2) |> Conv2d(32, kernel: 3, pad: same) |> BatchNorm |> relu                      // 32×32
  e3 = e2 |> max_pool(2) |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu                      // 16×16
  e4 = e3 |> max_pool(2)
    |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu
    |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu                                             // 8×8
  d3 = concat(e4 |> ConvTranspose2d(32, kernel: 2, stride: 2), e3, axis: 1)
    |> Conv2d(32, kernel: 3, pad: same) |> BatchNorm |> relu                                             // 16×16
  d2 = concat(d3 |> upsample(2), e2, axis: 1) |> Conv2d(16, kernel: 3, pad: same) |> BatchNorm |> relu  // 32×32
  logits = concat(d2 |> upsample(2), e1, axis: 1)
    |> Conv2d(16, kernel: 1) |> BatchNorm |> relu
    |> Conv2d(11, kernel: 1)
}

data Canvases = digit_canvases(count: 3000, size: 64, digits: [1, 3], seed: 1)
  |> split(train: 0.8, test: 0.2, seed: 7)

train Segmenter on Canvases {
  // Digit pixels are about 5% of the image: the second term, over them alone (ignore: 0), makes them
  // weigh as much as the background, without which the network long predicts background everywhere.
  loss      cross_entropy(logits, mask, axis: 1) + cross_entropy(logits, mask, axis: 1, ignore: 0)
  optimizer adam(lr: 3e-3)
  batch     16
  epochs    10
  metrics   iou: mean_iou(logits, mask, axis: 1), accuracy(logits, mask, axis: 1)
  seed      1
}
