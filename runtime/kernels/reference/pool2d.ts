// Reference max/avg pooling over explicit windows (padding as -∞ for max, 0 for avg), float64 sums.

import type { Pool2dGeometry } from "../pool2d-geometry.js";

function windows(g: Pool2dGeometry, visit: (yi: number, taps: number[]) => void): void {
  for (let p = 0; p < g.n * g.c; p++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        const taps: number[] = [];
        for (let ky = 0; ky < g.kh; ky++)
          for (let kx = 0; kx < g.kw; kx++) {
            const iy = oy * g.strideH - g.padH + ky;
            const ix = ox * g.strideW - g.padW + kx;
            if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) taps.push((p * g.h + iy) * g.w + ix);
          }
        visit((p * g.oh + oy) * g.ow + ox, taps);
      }
}

export function refMaxPool2d(x: Float32Array, y: Float32Array, argmax: Int32Array, g: Pool2dGeometry): void {
  windows(g, (yi, taps) => {
    let best = taps[0]!;
    for (const t of taps) if (x[t]! > x[best]!) best = t;
    y[yi] = x[best]!;
    argmax[yi] = best;
  });
}

export function refMaxPool2dBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, g: Pool2dGeometry): void {
  const acc = new Float64Array(g.n * g.c * g.h * g.w);
  for (let i = 0; i < g.n * g.c * g.oh * g.ow; i++) acc[argmax[i]!]! += dy[i]!;
  dx.set(acc);
}

export function refAvgPool2d(x: Float32Array, y: Float32Array, g: Pool2dGeometry): void {
  windows(g, (yi, taps) => {
    let s = 0;
    for (const t of taps) s += x[t]!;
    y[yi] = s / (g.kh * g.kw);
  });
}

export function refAvgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry): void {
  const acc = new Float64Array(g.n * g.c * g.h * g.w);
  windows(g, (yi, taps) => {
    for (const t of taps) acc[t]! += dy[yi]! / (g.kh * g.kw);
  });
  dx.set(acc);
}
