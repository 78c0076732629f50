// Grids: every tile lands at its computed offset and every other pixel is border; checked on the decoded
// PNG against a per-pixel reference written independently of the blitting code.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { afterAll, describe, expect, it } from "vitest";
import { tileGrid } from "../../../runtime/image/grid.js";
import type { Image } from "../../../runtime/image/png.js";
import { ImageError, writePng } from "../../../runtime/image/png.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-grid-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tile(k: number, w: number, h: number): Image {
  return { width: w, height: h, channels: 1, data: Uint8Array.from({ length: w * h }, (_, i) => 10 * k + i) };
}

/** The expected pixel at (x, y) of a gray grid, found by asking which cell, if any, covers it. */
function expectedPixel(tiles: Image[], cols: number, border: number, borderValue: number, x: number, y: number): number {
  const t0 = tiles[0] as Image;
  const cx = x - border;
  const cy = y - border;
  const col = Math.floor(cx / (t0.width + border));
  const row = Math.floor(cy / (t0.height + border));
  const ix = cx - col * (t0.width + border);
  const iy = cy - row * (t0.height + border);
  const k = row * cols + col;
  if (cx < 0 || cy < 0 || ix >= t0.width || iy >= t0.height || col >= cols || k >= tiles.length) return borderValue;
  return (tiles[k] as Image).data[iy * t0.width + ix] ?? -1;
}

describe("tileGrid", () => {
  it("places 5 tiles in a 3-column grid with a 1-pixel border (decoded PNG)", () => {
    const tiles = [0, 1, 2, 3, 4].map((k) => tile(k, 3, 2));
    const grid = tileGrid(tiles, { columns: 3, border: 1, borderColor: 77 });
    expect([grid.width, grid.height, grid.channels]).toEqual([3 * 3 + 4, 2 * 2 + 3, 1]);
    const path = join(dir, "grid.png");
    writePng(path, grid);
    const png = decode(readFileSync(path));
    const want: number[] = [];
    for (let y = 0; y < grid.height; y++) for (let x = 0; x < grid.width; x++) want.push(expectedPixel(tiles, 3, 1, 77, x, y));
    expect(Array.from(png.data)).toEqual(want);
  });

  it("defaults to a square-ish layout and scales tiles", () => {
    const grid = tileGrid([0, 1, 2, 3].map((k) => tile(k, 2, 2)), { scale: 3, border: 0 });
    expect([grid.width, grid.height]).toEqual([12, 12]);
    // Tile 3 (bottom right), its pixel (1, 1) = 30 + 3, covers grid pixels x, y ∈ [9, 12).
    expect(grid.data[11 * 12 + 11]).toBe(33);
    expect(grid.data[9 * 12 + 9]).toBe(33);
    expect(grid.data[8 * 12 + 8]).toBe(30);
  });

  it("makes an RGB sheet for a coloured border or mixed tiles", () => {
    const gray = tile(1, 1, 1);
    const red: Image = { width: 1, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0]) };
    const grid = tileGrid([gray, red], { columns: 2, border: 1, borderColor: [0, 0, 255] });
    expect(grid.channels).toBe(3);
    const px = (x: number, y: number): number[] => Array.from(grid.data.subarray((y * grid.width + x) * 3, (y * grid.width + x) * 3 + 3));
    expect(px(0, 0)).toEqual([0, 0, 255]);
    expect(px(1, 1)).toEqual([10, 10, 10]);
    expect(px(3, 1)).toEqual([255, 0, 0]);
  });

  it("rejects empty input and tiles of different sizes", () => {
    expect(() => tileGrid([])).toThrow(ImageError);
    expect(() => tileGrid([tile(0, 2, 2), tile(1, 3, 2)])).toThrow(/one size/);
  });
});
