// Colormaps: end points and midpoints, min/max handling, diverging symmetry, overlay blending.

import { describe, expect, it } from "vitest";
import { colormapColor, heatmap, overlay } from "../../../runtime/image/colormap.js";
import { ImageError } from "../../../runtime/image/png.js";

describe("colormaps", () => {
  it("gray runs black → white linearly; viridis ends dark purple and yellow", () => {
    expect(colormapColor("gray", 0)).toEqual([0, 0, 0]);
    expect(colormapColor("gray", 0.5)).toEqual([128, 128, 128]);
    expect(colormapColor("gray", 2)).toEqual([255, 255, 255]);
    expect(colormapColor("viridis", 0)).toEqual([68, 1, 84]);
    expect(colormapColor("viridis", 1)).toEqual([253, 231, 37]);
  });

  it("heatmap scales to the data range; a constant map takes the middle colour", () => {
    const im = heatmap([2, 4, 6, 3], 2, 2, { colormap: "gray" });
    expect(Array.from(im.data.filter((_, i) => i % 3 === 0))).toEqual([0, 128, 255, Math.round(255 / 4)]);
    expect(Array.from(heatmap([5, 5], 2, 1, { colormap: "gray" }).data)).toEqual([128, 128, 128, 128, 128, 128]);
  });

  it("diverging is symmetric about zero: 0 is white, ±max are blue and red", () => {
    const im = heatmap([-2, 0, 1], 3, 1, { colormap: "diverging" });
    expect(Array.from(im.data.subarray(3, 6))).toEqual([255, 255, 255]);
    expect(Array.from(im.data.subarray(0, 3))).toEqual([33, 102, 172]);
    // 1 of max 2 is halfway from white to red.
    expect(Array.from(im.data.subarray(6, 9))).toEqual([Math.round((255 + 178) / 2), Math.round((255 + 24) / 2), Math.round((255 + 43) / 2)]);
  });

  it("overlay blends per channel and checks sizes", () => {
    const base = { width: 1, height: 1, channels: 1 as const, data: Uint8Array.from([100]) };
    const heat = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.from([200, 0, 50]) };
    expect(Array.from(overlay(base, heat, 0.25).data)).toEqual([125, 75, 88]);
    expect(() => overlay(base, heatmap([1, 2], 2, 1))).toThrow(ImageError);
  });
});
