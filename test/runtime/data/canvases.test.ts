// digit_canvases on a tiny hand-made digit source: placement, max-combined pixels, masks, grid targets
// recomputed independently from the canvas, and determinism per seed.

import { describe, expect, it } from "vitest";
import { digitCanvases } from "../../../runtime/data/canvases.js";

// Three 28×28 "digits": a filled 6×4 block (label 7), a 10×10 block (label 2), and a blank image (label 5).
function source() {
  const images = new Float32Array(3 * 784);
  for (let r = 10; r < 16; r++) for (let c = 5; c < 9; c++) images[r * 28 + c] = 0.9;
  for (let r = 0; r < 10; r++) for (let c = 18; c < 28; c++) images[784 + r * 28 + c] = 0.7;
  return { images, labels: Int32Array.from([7, 2, 5]), count: 3 };
}

describe("digitCanvases", () => {
  it("pastes digits inside the canvas with masks 1 + digit", () => {
    const src = source();
    const d = digitCanvases({ count: 50, size: 40, digits: [1, 3], seed: 4 }, src);
    expect(d.count).toBe(50);
    expect(d.field("image").shape).toEqual([1, 40, 40]);
    expect(d.field("mask").shape).toEqual([40, 40]);
    const img = d.field("image").data;
    const mask = d.field("mask").data;
    const seen = new Set<number>();
    for (let i = 0; i < img.length; i++) {
      expect([0, Math.fround(0.7), Math.fround(0.9)]).toContain(img[i]);
      seen.add(mask[i]!);
      // a masked pixel is a digit pixel, and every bright pixel is masked
      expect(mask[i]! > 0).toBe(img[i]! > 0.5);
    }
    expect([...seen].sort()).toEqual([0, 3, 8]);
    expect([...d.fields.keys()]).toEqual(["image", "mask"]);
  });

  it("is deterministic per seed", () => {
    const a = digitCanvases({ count: 5, size: 32, digits: [1, 2], seed: 1 }, source());
    const b = digitCanvases({ count: 5, size: 32, digits: [1, 2], seed: 1 }, source());
    const c = digitCanvases({ count: 5, size: 32, digits: [1, 2], seed: 2 }, source());
    expect(Array.from(a.field("image").data)).toEqual(Array.from(b.field("image").data));
    expect(Array.from(a.field("image").data)).not.toEqual(Array.from(c.field("image").data));
  });

  it("grid targets match the box of the one digit on each canvas", () => {
    const src = { images: source().images.slice(0, 784), labels: Int32Array.from([7]), count: 1 };
    const size = 64;
    const G = 8;
    const d = digitCanvases({ count: 30, size, digits: [1, 1], grid: G, seed: 9 }, src);
    const mask = d.field("mask").data;
    const has = d.field("has_object").data;
    const box = d.field("box_target").data;
    const cls = d.field("class_target").data;
    expect(d.field("box_target").shape).toEqual([4, G, G]);
    for (let n = 0; n < d.count; n++) {
      // find the block from the mask
      let xmin = size;
      let ymin = size;
      let xmax = -1;
      let ymax = -1;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          if (mask[n * size * size + y * size + x] === 8) {
            xmin = Math.min(xmin, x);
            xmax = Math.max(xmax, x);
            ymin = Math.min(ymin, y);
            ymax = Math.max(ymax, y);
          }
      expect([xmax - xmin + 1, ymax - ymin + 1]).toEqual([4, 6]);
      const cx = (xmin + xmax + 1) / 2;
      const cy = (ymin + ymax + 1) / 2;
      const g = Math.floor(cy / 8) * G + Math.floor(cx / 8);
      for (let k = 0; k < G * G; k++) {
        expect(has[n * G * G + k]).toBe(k === g ? 1 : 0);
        expect(cls[n * G * G + k]).toBe(k === g ? 7 : -1);
      }
      const at = (c: number) => box[(n * 4 + c) * G * G + g]!;
      expect(at(0)).toBeCloseTo(cx / 8 - Math.floor(cx / 8), 6);
      expect(at(1)).toBeCloseTo(cy / 8 - Math.floor(cy / 8), 6);
      expect(at(2)).toBeCloseTo(Math.log(4 / 8), 6);
      expect(at(3)).toBeCloseTo(Math.log(6 / 8), 6);
    }
  });

  it("rejects bad options", () => {
    expect(() => digitCanvases({ count: 1, size: 20 }, source())).toThrow(/size must be at least 28/);
    expect(() => digitCanvases({ count: 1, size: 64, grid: 7 }, source())).toThrow(/grid 7 must divide size 64/);
    expect(() => digitCanvases({ count: 1, size: 64, digits: [3, 1] }, source())).toThrow(/digits must be/);
  });
});
