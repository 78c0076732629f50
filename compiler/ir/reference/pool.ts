// Reference kernels of pooling and nearest upsampling, with their backward ops.
//
// max_pool2d pads with −∞ (padding never wins); its backward re-finds each window's argmax in x, taking
// the first maximum in row-major window order, and adds dy there. avg_pool2d divides by kh·kw even where
// the window overlaps the padding (PyTorch's count_include_pad=True).

import type { PoolAttrs } from "../op-attrs.js";
import type { RefKernels } from "./tensor.js";
import { sizeOf } from "../shapes.js";

/** Calls f(yIndex, list of valid x indices in row-major window order) for every output pixel. */
function windows(xShape: readonly number[], yShape: readonly number[], a: PoolAttrs, f: (yi: number, xs: number[]) => void): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , oh, ow] = yShape as [number, number, number, number];
  for (let nc = 0; nc < n * c; nc++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const xs: number[] = [];
        for (let p = 0; p < a.kernel[0]; p++) {
          const ih = y * a.stride[0] - a.pad[0] + p;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < a.kernel[1]; q++) {
            const iw = x * a.stride[1] - a.pad[1] + q;
            if (iw >= 0 && iw < w) xs.push((nc * h + ih) * w + iw);
          }
        }
        f((nc * oh + y) * ow + x, xs);
      }
    }
  }
}

function upsampleNest(small: readonly number[], scale: [number, number], f: (si: number, bi: number) => void): void {
  const [n, c, h, w] = small as [number, number, number, number];
  const [bh, bw] = [h * scale[0], w * scale[1]];
  for (let nc = 0; nc < n * c; nc++) {
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) f((nc * h + Math.floor(y / scale[0])) * w + Math.floor(x / scale[1]), (nc * bh + y) * bw + x);
    }
  }
}

export const poolKernels: RefKernels<"max_pool2d" | "max_pool2d_backward" | "avg_pool2d" | "avg_pool2d_backward" | "upsample_nearest2d" | "upsample_nearest2d_backward"> = {
  max_pool2d: ([x], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    windows(x!.shape, node.shape, a, (yi, xs) => (out[yi] = Math.max(...xs.map((i) => x!.data[i]!))));
    return out;
  },
  max_pool2d_backward: ([x, dy], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    windows(x!.shape, dy!.shape, a, (yi, xs) => {
      let best = xs[0]!;
      for (const i of xs) if (x!.data[i]! > x!.data[best]!) best = i;
      out[best] = out[best]! + dy!.data[yi]!;
    });
    return out;
  },
  avg_pool2d: ([x], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    const k = a.kernel[0] * a.kernel[1];
    windows(x!.shape, node.shape, a, (yi, xs) => (out[yi] = xs.reduce((s, i) => s + x!.data[i]!, 0) / k));
    return out;
  },
  avg_pool2d_backward: ([dy], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    const k = a.kernel[0] * a.kernel[1];
    windows(node.shape, dy!.shape, a, (yi, xs) => xs.forEach((i) => (out[i] = out[i]! + dy!.data[yi]! / k)));
    return out;
  },
  upsample_nearest2d: ([x], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    upsampleNest(x!.shape, a.scale, (si, bi) => (out[bi] = x!.data[si]!));
    return out;
  },
  upsample_nearest2d_backward: ([dy], a, node) => {
    const out = new Float64Array(sizeOf(node.shape));
    upsampleNest(node.shape, a.scale, (si, bi) => (out[si] = out[si]! + dy!.data[bi]!));
    return out;
  },
};
