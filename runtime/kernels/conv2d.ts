// conv2d forward: y[N,O,OH,OW] = w ⊛ x (+ bias), via im2col + matmul per batch item and group.
//
// x is [N,C,H,W], w is [O, C/groups, KH, KW], bias is [O] or null. scratch holds one im2col matrix
// (conv2dScratchSize floats); a 1×1/stride-1/no-pad conv reads x directly and needs none.

import type { Conv2dGeometry } from "./conv2d-geometry.js";
import { isPointwise } from "./conv2d-geometry.js";
import { im2col } from "./im2col.js";
import { matmulAt } from "./matmul.js";

export function conv2d(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
  g: Conv2dGeometry,
  scratch: Float32Array,
): void {
  const groups = g.groups;
  const cg = g.c / groups;
  const og = g.o / groups;
  const ckk = cg * g.kh * g.kw;
  const ohw = g.oh * g.ow;
  const direct = isPointwise(g);
  for (let n = 0; n < g.n; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const yOff = (n * g.o + gr * og) * ohw;
      if (direct) {
        matmulAt(w, gr * og * ckk, x, (n * g.c + gr * cg) * ohw, y, yOff, og, ohw, ckk, false, false, false);
      } else {
        im2col(x, scratch, g, n, gr);
        matmulAt(w, gr * og * ckk, scratch, 0, y, yOff, og, ohw, ckk, false, false, false);
      }
    }
    if (bias !== null) {
      for (let o = 0; o < g.o; o++) {
        const b = bias[o]!;
        const base = (n * g.o + o) * ohw;
        for (let p = 0; p < ohw; p++) y[base + p] = y[base + p]! + b;
      }
    }
  }
}
