// conv2dBackwardWeight: dw (+)= the gradient of conv2d with respect to w, summed over the batch.
//
// Per batch item and group: dw_g += dy_g · colᵀ, with col = im2col(x) in scratch (x itself for 1×1).
// The bias gradient is a reduction (reduceSum over N and OH·OW), not part of this kernel.

import type { Conv2dGeometry } from "./conv2d-geometry.js";
import { isPointwise } from "./conv2d-geometry.js";
import { im2col } from "./im2col.js";
import { matmulAt } from "./matmul.js";

export function conv2dBackwardWeight(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  g: Conv2dGeometry,
  scratch: Float32Array,
  accumulate: boolean,
): void {
  const groups = g.groups;
  const cg = g.c / groups;
  const og = g.o / groups;
  const ckk = cg * g.kh * g.kw;
  const ohw = g.oh * g.ow;
  const direct = isPointwise(g);
  if (!accumulate) dw.fill(0, 0, g.o * ckk);
  for (let n = 0; n < g.n; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const dyOff = (n * g.o + gr * og) * ohw;
      const dwOff = gr * og * ckk;
      if (direct) {
        matmulAt(dy, dyOff, x, (n * g.c + gr * cg) * ohw, dw, dwOff, og, ckk, ohw, false, true, true);
      } else {
        im2col(x, scratch, g, n, gr);
        matmulAt(dy, dyOff, scratch, 0, dw, dwOff, og, ckk, ohw, false, true, true);
      }
    }
  }
}
