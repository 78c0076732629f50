// PNG output: files decode (with fast-png's own decoder) to exactly the pixels written; float → byte
// mapping; atomic writes leave no temp files; bad arguments are ImageErrors.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { afterAll, describe, expect, it } from "vitest";
import { ImageError, createImage, imageFromFloats, scaleImage, writePng } from "../../../runtime/image/png.js";
import type { Image } from "../../../runtime/image/png.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-png-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readBack(path: string): { width: number; height: number; channels: number; data: number[] } {
  const png = decode(readFileSync(path));
  expect(png.depth).toBe(8);
  return { width: png.width, height: png.height, channels: png.channels, data: Array.from(png.data) };
}

describe("writePng", () => {
  it("round-trips a gray image pixel for pixel", () => {
    const data = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37 + 11) % 256);
    const path = join(dir, "gray.png");
    writePng(path, { width: 7, height: 5, channels: 1, data });
    expect(readBack(path)).toEqual({ width: 7, height: 5, channels: 1, data: Array.from(data) });
  });

  it("round-trips an RGB image pixel for pixel", () => {
    const data = Uint8Array.from({ length: 3 * 4 * 3 }, (_, i) => (i * 91) % 256);
    const path = join(dir, "rgb.png");
    writePng(path, { width: 3, height: 4, channels: 3, data });
    expect(readBack(path)).toEqual({ width: 3, height: 4, channels: 3, data: Array.from(data) });
  });

  it("replaces an existing file and leaves no temp file behind", () => {
    const path = join(dir, "twice.png");
    writePng(path, createImage(2, 2, 1, 10));
    writePng(path, createImage(2, 2, 1, 200));
    expect(readBack(path).data).toEqual([200, 200, 200, 200]);
    expect(readdirSync(dir).filter((f) => f.startsWith("twice.png"))).toEqual(["twice.png"]);
  });

  it("reports an unwritable path as an ImageError naming it", () => {
    const path = join(dir, "no-such-dir", "x.png");
    expect(() => writePng(path, createImage(1, 1))).toThrow(ImageError);
    expect(() => writePng(path, createImage(1, 1))).toThrow(/no-such-dir/);
  });

  it("rejects data of the wrong length", () => {
    const bad: Image = { width: 3, height: 3, channels: 1, data: new Uint8Array(8) };
    expect(() => writePng(join(dir, "bad.png"), bad)).toThrow(/8 bytes/);
  });
});

describe("imageFromFloats", () => {
  it("maps [min, max] linearly onto 0..255, clamps, and sends NaN to 0", () => {
    const im = imageFromFloats([0, 0.5, 1, -3, 7, Number.NaN], 3, 2);
    expect(Array.from(im.data)).toEqual([0, 128, 255, 0, 255, 0]);
    const shifted = imageFromFloats([-1, 0, 1, 3], 2, 2, { min: -1, max: 3 });
    expect(Array.from(shifted.data)).toEqual([0, Math.round(255 / 4), Math.round(510 / 4), 255]);
  });

  it("reads one example of a batch at an offset, and planar (CHW) colour", () => {
    const batch = Float32Array.from([9, 9, 0, 1, 1, 0]);
    expect(Array.from(imageFromFloats(batch, 2, 2, { offset: 2 }).data)).toEqual([0, 255, 255, 0]);
    // CHW with 2 pixels: R plane [1, 0], G plane [0, 1], B plane [0, 0].
    const chw = imageFromFloats([1, 0, 0, 1, 0, 0], 2, 1, { channels: 3, layout: "chw" });
    expect(Array.from(chw.data)).toEqual([255, 0, 0, 0, 255, 0]);
  });

  it("rejects too few values and an empty range", () => {
    expect(() => imageFromFloats([1, 2, 3], 2, 2)).toThrow(ImageError);
    expect(() => imageFromFloats([1, 2, 3, 4], 2, 2, { min: 1, max: 1 })).toThrow(/max > min/);
  });
});

describe("scaleImage", () => {
  it("repeats each pixel factor×factor times", () => {
    const im = scaleImage({ width: 2, height: 1, channels: 1, data: Uint8Array.from([1, 2]) }, 2);
    expect([im.width, im.height]).toEqual([4, 2]);
    expect(Array.from(im.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });
});
