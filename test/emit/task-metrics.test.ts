// Task metrics aggregated by the host over a whole dataset (runtime/aggregate.ts): the generated
// evaluate() must equal the metric recomputed from predict() outputs and the dataset's targets: the
// dataset-wide mean IoU (a ratio of sums, not a mean over examples), detection mAP and mask AP. The count
// is not a multiple of the batch, so a padded last batch must not leak into the sums.

import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { optimizeProgram } from "../../compiler/pipeline.js";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { loadCompiledWasm } from "../../compiler/emit/wasm/program/index.js";
import { classNameOf } from "../../compiler/emit/ts/index.js";
import { digitCanvases } from "../../runtime/data/canvases.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { createRng } from "../../runtime/rng.js";
import { boxIou, decodeGrid, gridTargets, meanAveragePrecision, nms, argmaxMap, boxMask, instanceMasks, maskIou } from "../../runtime/vision/index.js";

const SOURCE = `model Tiny {
  input  image: f32[B, 1, 28, 28]
  output objectness: f32[B, 1, 4, 4]
  output boxes: f32[B, 4, 4, 4]
  output classes: f32[B, 10, 4, 4]
  output logits: f32[B, 11, 28, 28]
  cells = image |> avg_pool(7) |> Conv2d(8, kernel: 1) |> relu
  objectness = cells |> Conv2d(1, kernel: 1)
  boxes = cells |> Conv2d(4, kernel: 1)
  classes = cells |> Conv2d(10, kernel: 1)
  logits = image |> Conv2d(11, kernel: 1)
}
data Canvases = digit_canvases(count: 10, size: 28, digits: [1, 2], grid: 4, seed: 1)
train Tiny on Canvases {
  loss      bce_logits(objectness, has_object) + cross_entropy(logits, mask, axis: 1)
  optimizer sgd(lr: 0.1)
  batch     4
  metrics   iou: mean_iou(logits, mask, axis: 1),
            map: detection_map(objectness, boxes, classes, has_object, box_target, class_target, iou: 0.1),
            mask_ap: mask_map(objectness, boxes, classes, logits, has_object, box_target, class_target, mask, iou: 0.1)
}
`;

interface Model {
  predict(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  evaluate(data: Dataset): Record<string, number>;
  trainStep(batch: Record<string, Float32Array | Int32Array>): Record<string, number>;
  parameters(): Record<string, Float32Array>;
}

function compile() {
  const fe = frontEnd(SOURCE, "tiny.dlm");
  expect(fe.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const low = lowerProgram(fe.checked, "tiny.dlm");
  expect(low.diagnostics).toEqual([]);
  return optimizeProgram(low.program).program;
}

/** Random "digits": blobs of on-pixels, so that masks and boxes are not degenerate. */
function fakeDigits(count: number) {
  const rng = createRng(3);
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.nextInt(10);
    const x0 = 4 + rng.nextInt(8);
    const y0 = 4 + rng.nextInt(8);
    const w = 6 + rng.nextInt(10);
    const h = 6 + rng.nextInt(10);
    for (let y = y0; y < Math.min(28, y0 + h); y++) for (let x = x0; x < Math.min(28, x0 + w); x++) images[i * 784 + y * 28 + x] = rng.nextInt(4) === 0 ? 0.2 : 0.9;
  }
  return { images, labels, count };
}

describe("host-aggregated task metrics", () => {
  it("lowering records the aggregates and the rows of the evaluate step", async () => {
    const program = compile();
    const m = program.models[0]!;
    expect(m.training!.aggregates).toEqual({
      iou: { kind: "ratio", config: { k: 11 } },
      map: { kind: "detection_map", config: { grid: 4, classes: 10, iou: 0.1, nms: 0.5, min_score: 0.01 } },
      mask_ap: { kind: "mask_map", config: { grid: 4, classes: 10, iou: 0.1, nms: 0.5, min_score: 0.01, height: 28, width: 28 } },
    });
    const out = (name: string) => m.evaluate!.graph.nodes[m.evaluate!.graph.outputs.find((o) => o.name === name)!.node]!.shape;
    expect(out("iou")).toEqual([4, 22]);
    expect(out("map")).toEqual([4, 16 * (1 + 4 + 10 + 1 + 4 + 1)]);
    expect(out("mask_ap")).toEqual([4, 16 * 21 + 12 * 784]);
  });

  it.each(["ts", "wasm"])("%s: evaluate equals the metrics recomputed from predict over the whole set", async (target) => {
    const program = compile();
    const mod = target === "wasm" ? await loadCompiledWasm(program) : await loadCompiled(program);
    const cls = mod[classNameOf(program, "Tiny")] as unknown as { create(o?: { seed?: number }): Promise<Model> };
    const model = await cls.create({ seed: 5 });
    const count = 10;
    const data = digitCanvases({ count, size: 28, digits: [1, 3], grid: 4, seed: 2 }, fakeDigits(40));
    const batch: Record<string, Float32Array | Int32Array> = {};
    for (const f of data.fields.values()) batch[f.name] = f.data.subarray(0, 4 * f.size) as Float32Array | Int32Array;
    for (let i = 0; i < 3; i++) model.trainStep(batch); // away from the symmetric start
    // a training step leaves the AP metrics out (they need the whole set); the IoU is the batch's
    const step = model.trainStep(batch);
    expect("map" in step).toBe(false);
    expect(Number.isFinite(step["iou"])).toBe(true);
    const got = model.evaluate(data);

    const image = data.field("image").data as Float32Array;
    const out = model.predict({ image });
    const mask = data.field("mask").data as Int32Array;
    // dataset-wide IoU per class from the arg-max map
    const pixels = 784;
    const inter = new Array(11).fill(0);
    const union = new Array(11).fill(0);
    const maps: Int32Array[] = [];
    for (let n = 0; n < count; n++) {
      const map = argmaxMap(out["logits"]!.subarray(n * 11 * pixels, (n + 1) * 11 * pixels), 11, pixels);
      maps.push(map);
      for (let p = 0; p < pixels; p++) {
        const a = map[p]!;
        const b = mask[n * pixels + p]!;
        if (a === b) inter[a]++;
        union[a]++;
        if (a !== b) union[b]++;
      }
    }
    const present = union.map((u, c) => [u, c] as const).filter(([u]) => u > 0);
    const miou = present.reduce((s, [u, c]) => s + inter[c] / u, 0) / present.length;
    expect(got["iou"]).toBeCloseTo(miou, 6);

    const cells = 16;
    const field = (name: string, n: number, per: number) => (data.field(name).data as Float32Array | Int32Array).subarray(n * per, (n + 1) * per);
    const images = [];
    const maskImages = [];
    for (let n = 0; n < count; n++) {
      const dets = nms(decodeGrid(out["objectness"]!.subarray(n * cells, (n + 1) * cells), out["boxes"]!.subarray(n * 4 * cells, (n + 1) * 4 * cells), out["classes"]!.subarray(n * 10 * cells, (n + 1) * 10 * cells), { grid: 4, classes: 10 }, 0.01), 0.5);
      const truths = gridTargets(field("has_object", n, cells), field("box_target", n, 4 * cells), field("class_target", n, cells), 4);
      images.push({ detections: dets, truths });
      const px = (b: { x1: number; y1: number; x2: number; y2: number }) => ({ x1: b.x1 * 7, y1: b.y1 * 7, x2: b.x2 * 7, y2: b.y2 * 7 });
      maskImages.push({
        detections: ((masks) => dets.map((d, i) => ({ score: d.score, label: d.label, mask: masks[i]! })))(instanceMasks(maps[n]!, 28, 28, dets.map((d) => ({ box: px(d.box), cls: 1 + d.label })))),
        truths: truths.map((g) => ({ label: g.label, mask: boxMask(field("mask", n, pixels), 28, 28, px(g.box), 1 + g.label) })),
      });
    }
    const map = meanAveragePrecision(images, (d, g) => boxIou(d.box, g.box), 0.1).map;
    const maskAp = meanAveragePrecision(maskImages, (d, g) => maskIou(d.mask, g.mask), 0.1).map;
    expect(map).toBeGreaterThan(0); // the check means something
    expect(got["map"]).toBeCloseTo(map, 6);
    expect(got["mask_ap"]).toBeCloseTo(maskAp, 6);
  });
});
