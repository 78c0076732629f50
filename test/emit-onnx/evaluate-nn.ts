// The test ONNX evaluator's contraction, convolution, pooling and softmax kernels: the ONNX spec's loops,
// written plainly (see evaluate.ts).

import type { Attrs, T } from "./evaluate-tensor.js";
import { bIndex, broadcastDims, each, norm, size, strides, t } from "./evaluate-tensor.js";

export function transpose(x: T, perm: number[]): T {
  const st = strides(x.dims);
  const dims = perm.map((p) => x.dims[p]!);
  const data = new Float64Array(size(dims));
  each(dims, (f, idx) => {
    let s = 0;
    idx.forEach((v, k) => (s += v * st[perm[k]!]!));
    data[f] = x.data[s]!;
  });
  return { dims, data, type: x.type };
}

export function matmul(a: T, b: T): T {
  const [m, k] = a.dims.slice(-2) as [number, number];
  const n = b.dims[b.dims.length - 1]!;
  const batch = broadcastDims([a.dims.slice(0, -2), b.dims.slice(0, -2)]);
  const ia = bIndex(batch, a.dims.slice(0, -2));
  const ib = bIndex(batch, b.dims.slice(0, -2));
  const data = new Float64Array(size(batch) * m * n);
  for (let bi = 0; bi < size(batch); bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ia[bi]! * m * k + i * k + p]! * b.data[ib[bi]! * k * n + p * n + j]!;
        data[(bi * m + i) * n + j] = s;
      }
    }
  }
  return t([...batch, m, n], data);
}

/** Conv per the ONNX spec: pads [top, left, bottom, right], NCHW, weight [M, C/group, kH, kW]. */
export function conv(x: T, w: T, bias: T | undefined, a: Attrs): T {
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [m, cg, kh, kw] = w.dims as [number, number, number, number];
  const [sh, sw] = a.ints("strides", [1, 1]);
  const [ph, pw, pb, pr] = a.ints("pads", [0, 0, 0, 0]);
  const [dh, dw] = a.ints("dilations", [1, 1]);
  const g = a.int("group", 1);
  const oh = Math.floor((h + ph! + pb! - dh! * (kh - 1) - 1) / sh!) + 1;
  const ow = Math.floor((wd + pw! + pr! - dw! * (kw - 1) - 1) / sw!) + 1;
  const out = new Float64Array(n * m * oh * ow);
  const mg = m / g;
  for (let b = 0; b < n; b++) for (let o = 0; o < m; o++) for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) {
    let s = bias ? bias.data[o]! : 0;
    const grp = Math.floor(o / mg);
    for (let ci = 0; ci < cg; ci++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const iy = y * sh! - ph! + p * dh!;
      const ix = z * sw! - pw! + q * dw!;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      s += x.data[((b * c + grp * cg + ci) * h + iy) * wd + ix]! * w.data[((o * cg + ci) * kh + p) * kw + q]!;
    }
    out[((b * m + o) * oh + y) * ow + z] = s;
  }
  return t([n, m, oh, ow], out);
}

/** ConvTranspose: every input pixel scatters w into the output (weight [C, M/group, kH, kW]). */
export function convTranspose(x: T, w: T, a: Attrs): T {
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [, mg, kh, kw] = w.dims as [number, number, number, number];
  const [sh, sw] = a.ints("strides", [1, 1]);
  const [ph, pw, pb, pr] = a.ints("pads", [0, 0, 0, 0]);
  const [dh, dw] = a.ints("dilations", [1, 1]);
  const [oph, opw] = a.ints("output_padding", [0, 0]);
  const g = a.int("group", 1);
  const oh = sh! * (h - 1) + oph! + (kh - 1) * dh! + 1 - ph! - pb!;
  const ow = sw! * (wd - 1) + opw! + (kw - 1) * dw! + 1 - pw! - pr!;
  const m = mg * g;
  const cg = c / g;
  const out = new Float64Array(n * m * oh * ow);
  for (let b = 0; b < n; b++) for (let ci = 0; ci < c; ci++) for (let y = 0; y < h; y++) for (let z = 0; z < wd; z++) {
    const grp = Math.floor(ci / cg);
    for (let mo = 0; mo < mg; mo++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const oy = y * sh! - ph! + p * dh!;
      const ox = z * sw! - pw! + q * dw!;
      if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
      const o = grp * mg + mo;
      const at = ((b * m + o) * oh + oy) * ow + ox;
      out[at] = out[at]! + x.data[((b * c + ci) * h + y) * wd + z]! * w.data[((ci * mg + mo) * kh + p) * kw + q]!;
    }
  }
  return t([n, m, oh, ow], out);
}

export function pool(x: T, a: Attrs, max: boolean): T {
  const [n, c, h, w] = x.dims as [number, number, number, number];
  const [kh, kw] = a.ints("kernel_shape", []);
  const [sh, sw] = a.ints("strides", [1, 1]);
  const [ph, pw, pb, pr] = a.ints("pads", [0, 0, 0, 0]);
  const include = a.int("count_include_pad", 0) === 1;
  const oh = Math.floor((h + ph! + pb! - kh!) / sh!) + 1;
  const ow = Math.floor((w + pw! + pr! - kw!) / sw!) + 1;
  const out = new Float64Array(n * c * oh * ow);
  for (let nc = 0; nc < n * c; nc++) for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) {
    let acc = max ? -Infinity : 0;
    let count = 0;
    for (let p = 0; p < kh!; p++) for (let q = 0; q < kw!; q++) {
      const iy = y * sh! - ph! + p;
      const ix = z * sw! - pw! + q;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      const v = x.data[(nc * h + iy) * w + ix]!;
      acc = max ? Math.max(acc, v) : acc + v;
      count++;
    }
    out[(nc * oh + y) * ow + z] = max ? acc : acc / (include ? kh! * kw! : count);
  }
  return t([n, c, oh, ow], out);
}

export function softmax(x: T, axis: number, log: boolean): T {
  const ax = norm(axis, x.dims.length);
  const len = x.dims[ax]!;
  const inner = size(x.dims.slice(ax + 1));
  const outer = size(x.dims.slice(0, ax));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = (k: number) => (o * len + k) * inner + i;
    let m = -Infinity;
    for (let k = 0; k < len; k++) m = Math.max(m, x.data[at(k)]!);
    let s = 0;
    for (let k = 0; k < len; k++) s += Math.exp(x.data[at(k)]! - m);
    for (let k = 0; k < len; k++) out[at(k)] = log ? x.data[at(k)]! - m - Math.log(s) : Math.exp(x.data[at(k)]! - m) / s;
  }
  return t([...x.dims], out);
}

