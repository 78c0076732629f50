// conv2dBackwardInput: dx (+)= the gradient of conv2d with respect to x, given dy.
//
// Per batch item and group: dcol = w_gᵀ·dy_g (into scratch), then col2im scatters dcol into dx. This is
// also ConvTranspose2d's forward (x ↔ dy roles swapped, same geometry as the transposed layer's adjoint).

import type { Conv2dGeometry } from "./conv2d-geometry.js";
import { isPointwise } from "./conv2d-geometry.js";
import { col2imAdd } from "./im2col.js";
import { matmulAt } from "./matmul.js";

export function conv2dBackwardInput(
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
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
  if (!accumulate) dx.fill(0, 0, g.n * g.c * g.h * g.w);
  for (let n = 0; n < g.n; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const dyOff = (n * g.o + gr * og) * ohw;
      if (direct) {
        matmulAt(w, gr * og * ckk, dy, dyOff, dx, (n * g.c + gr * cg) * ohw, ckk, ohw, og, true, false, true);
      } else {
        matmulAt(w, gr * og * ckk, dy, dyOff, scratch, 0, ckk, ohw, og, true, false, false);
        col2imAdd(scratch, dx, g, n, gr);
      }
    }
  }
}
