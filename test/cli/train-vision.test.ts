// `dlm train` on a small detector with segmentation: the task metrics (mean IoU over the set, mAP@0.5,
// mask AP) are printed on the test part, and per-epoch summaries leave out the metrics a training step
// does not compute (the APs) instead of printing NaN.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-train-vision-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = `model Tiny {
  input  image: f32[B, 1, 32, 32]
  output objectness: f32[B, 1, 4, 4]
  output boxes: f32[B, 4, 4, 4]
  output classes: f32[B, 10, 4, 4]
  output logits: f32[B, 11, 32, 32]
  cells = image |> max_pool(8) |> Conv2d(8, kernel: 1) |> relu
  objectness = cells |> Conv2d(1, kernel: 1)
  boxes = cells |> Conv2d(4, kernel: 1)
  classes = cells |> Conv2d(10, kernel: 1)
  logits = image |> Conv2d(8, kernel: 3, pad: same) |> relu |> Conv2d(11, kernel: 1)
}
data Canvases = digit_canvases(count: 40, size: 32, digits: [1, 2], grid: 4, seed: 3) |> split(train: 0.6, test: 0.4, seed: 1)
train Tiny on Canvases {
  loss      bce_logits(objectness, has_object) + cross_entropy(logits, mask, axis: 1)
  optimizer adam(lr: 1e-2)
  batch     8
  epochs    2
  metrics   iou: mean_iou(logits, mask, axis: 1),
            map50: detection_map(objectness, boxes, classes, has_object, box_target, class_target),
            mask_ap50: mask_map(objectness, boxes, classes, logits, has_object, box_target, class_target, mask)
  seed      1
}
`;

describe("dlm train: vision task metrics", () => {
  it("prints mean IoU, mAP and mask AP on the test part; epochs show no NaN", async () => {
    const file = join(dir, "tiny.dlm");
    writeFileSync(file, SOURCE);
    const r = await runCli("train", file);
    expect(r.code, r.stderr).toBe(0);
    const test = /^test: loss (\S+)\s+iou (\S+)\s+map50 (\S+)\s+mask_ap50 (\S+)$/m.exec(r.stdout);
    expect(test, r.stdout).not.toBeNull();
    const [loss, ...ratios] = test!.slice(1).map(Number);
    expect(loss).toBeGreaterThan(0);
    for (const v of ratios) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const epochs = r.stderr.split(/[\r\n]/).filter((l) => /^epoch \d/.test(l));
    expect(epochs.length).toBeGreaterThan(0);
    for (const l of epochs) {
      expect(l).toMatch(/ iou \d/);
      expect(l).not.toMatch(/NaN|map50/);
    }

    const json = await runCli("train", file, "--json");
    const result = JSON.parse(json.stdout.trim().split("\n").at(-1)!) as { test: Record<string, number> };
    expect(Object.keys(result.test)).toEqual(["loss", "iou", "map50", "mask_ap50"]);
  });
});
