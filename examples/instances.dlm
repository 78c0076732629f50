// Instance segmentation of 64×64 canvases of one to three digits: detection plus a mask per box.
//
// Why this form rather than a per-pixel instance embedding: an embedding needs a loss over each
// instance's mean (a varying number of instances per image) and clustering afterwards (mean shift), and a
// Mask R-CNN head needs RoIAlign; neither is a fixed-shape graph. Here every head has a fixed shape, so
// the whole model is one ordinary train block: a shared encoder, the grid detector's heads on its 8×8
// features (objectness, box, class per cell) and a U-Net decoder that labels every pixel with its class
// (0 background, 1 + digit). An instance is a detected box with the foreground of the class map inside it;
// where boxes overlap, a pixel goes to the box whose class it has (runtime/vision/masks.ts). Digits of
// the same class that overlap would merge: rare on these canvases, and the price of a fixed shape.
// `dlm train` prints mask AP@0.5 (PASCAL VOC all-point AP with mask IoU), box mAP@0.5 and the mean IoU
// of the class map. Measured with --target wasm (10 epochs): mask AP@0.5 0.710, mAP@0.5 0.789, IoU 0.683.

model InstanceSegmenter {
  input  image: f32[B, 1, 64, 64]
  output objectness: f32[B, 1, 8, 8]
  output boxes: f32[B, 4, 8, 8]
  output classes: f32[B, 10, 8, 8]
  output logits: f32[B, 11, 64, 64]

  e1 = image |> Conv2d(16, kernel: 3, pad: same) |> BatchNorm |> relu                                  // 64×64
  e2 = e1 |> max_pool(2) |> Conv2d(32, kernel: 3, pad: same) |> BatchNorm |> relu                      // 32×32
  e3 = e2 |> max_pool(2) |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu                      // 16×16
  e4 = e3 |> max_pool(2)
    |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu
    |> Conv2d(64, kernel: 3, pad: same) |> BatchNorm |> relu                                             // 8×8

  // detection: one cell per 8×8 pixels
  cells = e4 |> Conv2d(64, kernel: 3, pad: same) |> relu
  objectness = cells |> Conv2d(1, kernel: 1)
  boxes = cells |> Conv2d(4, kernel: 1)
  classes = cells |> Conv2d(10, kernel: 1)

  // the class of every pixel
  d3 = concat(e4 |> ConvTranspose2d(32, kernel: 2, stride: 2), e3, axis: 1)
    |> Conv2d(32, kernel: 3, pad: same) |> BatchNorm |> relu                                             // 16×16
  d2 = concat(d3 |> upsample(2), e2, axis: 1) |> Conv2d(16, kernel: 3, pad: same) |> BatchNorm |> relu  // 32×32
  logits = concat(d2 |> upsample(2), e1, axis: 1)
    |> Conv2d(16, kernel: 1) |> BatchNorm |> relu
    |> Conv2d(11, kernel: 1)
}

data Canvases = digit_canvases(count: 3000, size: 64, digits: [1, 3], grid: 8, seed: 3)
  |> split(train: 0.8, test: 0.2, seed: 7)

train InstanceSegmenter on Canvases {
  // Pixels: cross-entropy over all pixels plus over the digit pixels alone (ignore: 0), so that the few
  // digit pixels weigh as much as the background. Boxes and classes count only the cells with a digit;
  // the box error is summed per digit.
  loss      cross_entropy(logits, mask, axis: 1) + cross_entropy(logits, mask, axis: 1, ignore: 0)
            + bce_logits(objectness, has_object)
            + mse(boxes * has_object, box_target * has_object, reduce: sum) / (sum(has_object) + 1)
            + cross_entropy(classes, class_target, axis: 1, ignore: -1)
  optimizer adam(lr: 3e-3)
  batch     16
  epochs    10
  metrics   mask_ap50: mask_map(objectness, boxes, classes, logits, has_object, box_target, class_target, mask),
            map50: detection_map(objectness, boxes, classes, has_object, box_target, class_target),
            iou: mean_iou(logits, mask, axis: 1)
  seed      3
}
