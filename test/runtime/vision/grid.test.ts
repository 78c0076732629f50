// Grid decoding: hand-computed cells, and targets encoded from known boxes decode back to them.

import { describe, expect, it } from "vitest";
import { decodeGrid, gridTargets } from "../../../runtime/vision/grid.js";

const G = 2;
const cells = G * G;

describe("decodeGrid", () => {
  it("one detection per cell above the score: sigmoid(obj) × softmax of the arg-max class", () => {
    const obj = [0, -20, 2, -20]; // cells (0,0) and (row 1, col 0) are on
    const boxes = new Array(4 * cells).fill(0);
    // cell 0: centre (0.5, 0.25) in the cell, w = e^0 = 1, h = e^ln2 = 2
    boxes[0] = 0.5; boxes[cells] = 0.25; boxes[2 * cells] = 0; boxes[3 * cells] = Math.log(2);
    // cell 2 (gy 1, gx 0): centre (0.25, 0.5), w = 0.5, h = 1
    boxes[2] = 0.25; boxes[cells + 2] = 0.5; boxes[2 * cells + 2] = Math.log(0.5); boxes[3 * cells + 2] = 0;
    const C = 3;
    const classes = new Array(C * cells).fill(0);
    classes[1 * cells + 0] = Math.log(2); // cell 0: class 1 with probability 2/4
    classes[2 * cells + 2] = 5; // cell 2: class 2
    const d = decodeGrid(obj, boxes, classes, { grid: G, classes: C }, 0.01);
    expect(d).toHaveLength(2);
    expect(d[0]!.label).toBe(1);
    expect(d[0]!.score).toBeCloseTo(0.5 * 0.5, 12);
    expect(d[0]!.box.x1).toBeCloseTo(0, 12);
    expect(d[0]!.box.x2).toBeCloseTo(1, 12);
    expect(d[0]!.box.y1).toBeCloseTo(-0.75, 12);
    expect(d[0]!.box.y2).toBeCloseTo(1.25, 12);
    const s2 = 1 / (1 + Math.exp(-2));
    expect(d[1]!.label).toBe(2);
    expect(d[1]!.score).toBeCloseTo(s2 * Math.exp(5) / (Math.exp(5) + 2), 12);
    expect(d[1]!.box.x1).toBeCloseTo(0, 12);
    expect(d[1]!.box.x2).toBeCloseTo(0.5, 12);
    expect(d[1]!.box.y1).toBeCloseTo(1, 12);
    expect(d[1]!.box.y2).toBeCloseTo(2, 12);
    // a higher threshold drops the weaker one
    expect(decodeGrid(obj, boxes, classes, { grid: G, classes: C }, 0.3).map((x) => x.label)).toEqual([2]);
  });
});

describe("gridTargets", () => {
  it("decodes the digit_canvases encoding back to the boxes", () => {
    const cell = 8;
    const truth = [
      { x1: 3, y1: 20, x2: 21, y2: 44, label: 7 },
      { x1: 40, y1: 1, x2: 55, y2: 30, label: 0 },
    ];
    const grid = 8;
    const has = new Float32Array(grid * grid);
    const box = new Float32Array(4 * grid * grid);
    const cls = new Int32Array(grid * grid).fill(-1);
    for (const t of truth) {
      const cx = (t.x1 + t.x2) / 2;
      const cy = (t.y1 + t.y2) / 2;
      const gx = Math.floor(cx / cell);
      const gy = Math.floor(cy / cell);
      const g = gy * grid + gx;
      has[g] = 1;
      box[g] = cx / cell - gx;
      box[grid * grid + g] = cy / cell - gy;
      box[2 * grid * grid + g] = Math.log((t.x2 - t.x1) / cell);
      box[3 * grid * grid + g] = Math.log((t.y2 - t.y1) / cell);
      cls[g] = t.label;
    }
    const got = gridTargets(has, box, cls, grid).map((g) => ({ x1: g.box.x1 * cell, y1: g.box.y1 * cell, x2: g.box.x2 * cell, y2: g.box.y2 * cell, label: g.label }));
    // row-major order of cells: the second box's centre cell (row 1) comes before the first's (row 4)
    const want = [truth[1]!, truth[0]!];
    expect(got).toHaveLength(2);
    got.forEach((g, i) => {
      for (const k of ["x1", "y1", "x2", "y2"] as const) expect(g[k]).toBeCloseTo(want[i]![k], 4);
      expect(g.label).toBe(want[i]!.label);
    });
  });
});
