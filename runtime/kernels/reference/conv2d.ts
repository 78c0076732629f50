// Reference 2-D convolution (forward, input gradient, weight gradient) as direct loops, float64 sums.

import type { Conv2dGeometry } from "../conv2d-geometry.js";

// Visits every (n, o, oy, ox, ci, ky, kx) tap that lands inside the image, with flat indices.
function forEachTap(g: Conv2dGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.o; o++) {
      const grp = Math.floor(o / og);
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++) {
          const yi = ((n * g.o + o) * g.oh + oy) * g.ow + ox;
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < g.kh; ky++)
              for (let kx = 0; kx < g.kw; kx++) {
                const iy = oy * g.strideH - g.padH + ky * g.dilationH;
                const ix = ox * g.strideW - g.padW + kx * g.dilationW;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                const c = grp * cg + ci;
                const xi = ((n * g.c + c) * g.h + iy) * g.w + ix;
                const wi = ((o * cg + ci) * g.kh + ky) * g.kw + kx;
                visit(yi, xi, wi);
              }
        }
    }
}

export function refConv2d(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
  g: Conv2dGeometry,
): void {
  const acc = new Float64Array(y.length);
  forEachTap(g, (yi, xi, wi) => {
    acc[yi]! += x[xi]! * w[wi]!;
  });
  const ohw = g.oh * g.ow;
  for (let i = 0; i < g.n * g.o * ohw; i++) {
    const o = Math.floor(i / ohw) % g.o;
    y[i] = acc[i]! + (bias === null ? 0 : bias[o]!);
  }
}

export function refConv2dBackwardInput(
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  g: Conv2dGeometry,
  accumulate: boolean,
): void {
  const acc = new Float64Array(g.n * g.c * g.h * g.w);
  if (accumulate) for (let i = 0; i < acc.length; i++) acc[i] = dx[i]!;
  forEachTap(g, (yi, xi, wi) => {
    acc[xi]! += dy[yi]! * w[wi]!;
  });
  for (let i = 0; i < acc.length; i++) dx[i] = acc[i]!;
}

export function refConv2dBackwardWeight(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  g: Conv2dGeometry,
  accumulate: boolean,
): void {
  const acc = new Float64Array(g.o * (g.c / g.groups) * g.kh * g.kw);
  if (accumulate) for (let i = 0; i < acc.length; i++) acc[i] = dw[i]!;
  forEachTap(g, (yi, xi, wi) => {
    acc[wi]! += dy[yi]! * x[xi]!;
  });
  for (let i = 0; i < acc.length; i++) dw[i] = acc[i]!;
}
