// The checker's rules for detection_map and mask_map: shapes that agree on the grid and the classes,
// dtypes, the option ranges; each mistake is one diagnostic on the argument.

import { describe, expect, it } from "vitest";
import { checkText } from "./helpers.js";

function program(metrics: string, logits = "f32[B, 11, 64, 64]"): string {
  return `model Det {
  input  image: f32[B, 1, 64, 64]
  output objectness: f32[B, 1, 8, 8]
  output boxes: f32[B, 4, 8, 8]
  output classes: f32[B, 10, 8, 8]
  output logits: ${logits}
  f = image |> max_pool(8)
  objectness = f |> Conv2d(1, kernel: 1)
  boxes = f |> Conv2d(4, kernel: 1)
  classes = f |> Conv2d(10, kernel: 1)
  logits = image |> Conv2d(${logits.includes("12") ? 12 : 11}, kernel: 1)
}
data Canvases = digit_canvases(count: 10, size: 64, grid: 8)
train Det on Canvases {
  loss      bce_logits(objectness, has_object)
  optimizer adam
  metrics   ${metrics}
}`;
}

const codes = (text: string) => checkText(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

describe("detection_map and mask_map", () => {
  it("accept the grid detector's heads and the digit_canvases targets", () => {
    expect(codes(program("m: detection_map(objectness, boxes, classes, has_object, box_target, class_target, iou: 0.5)"))).toEqual([]);
    expect(codes(program("m: mask_map(objectness, boxes, classes, logits, has_object, box_target, class_target, mask)"))).toEqual([]);
  });

  it("report a target of the wrong dtype or grid, and options out of range", () => {
    expect(codes(program("m: detection_map(objectness, boxes, classes, has_object, box_target, mask)"))).toEqual([
      expect.stringMatching(/^DLM2014: detection_map: class_target should be i32\[B, 8, 8\]/),
    ]);
    expect(codes(program("m: detection_map(objectness, boxes, classes, box_target, box_target, class_target)"))).toEqual([
      expect.stringMatching(/^DLM2014: detection_map: has_object should be f32\[B, 1, 8, 8\]/),
    ]);
    expect(codes(program("m: detection_map(objectness, boxes, classes, has_object, box_target, has_object)"))).toEqual([
      expect.stringMatching(/^DLM2005: detection_map: class_target must be i32/),
    ]);
    expect(codes(program("m: detection_map(objectness, boxes, classes, has_object, box_target, class_target, iou: 1.5)"))).toEqual([
      expect.stringMatching(/^DLM2010: detection_map: iou must be in \(0, 1\], got 1.5/),
    ]);
  });

  it("mask_map wants one logit channel per class plus background", () => {
    expect(codes(program("m: mask_map(objectness, boxes, classes, logits, has_object, box_target, class_target, mask)", "f32[B, 12, 64, 64]"))).toEqual([
      expect.stringMatching(/^DLM2014: mask_map: logits should be f32\[B, 11, _, _\]/),
    ]);
  });
});
