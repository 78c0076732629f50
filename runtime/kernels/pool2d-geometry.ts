// Pool2dGeometry: the sizes of a 2-D max or average pool, computed once per layer (floor mode).

export interface Pool2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
}

/** stride defaults to the kernel size (PyTorch's default); padding may be at most half the kernel. */
export function pool2dGeometry(
  n: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  strideH = kh,
  strideW = kw,
  padH = 0,
  padW = 0,
): Pool2dGeometry {
  const fields: Record<string, number> = { n, c, h, w, kh, kw, strideH, strideW };
  for (const [name, v] of Object.entries(fields)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`pool2d geometry: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (!Number.isInteger(padH) || !Number.isInteger(padW) || padH < 0 || padW < 0 || 2 * padH > kh || 2 * padW > kw) {
    throw new RangeError(`pool2d geometry: padding ${padH}×${padW} must be between 0 and half the ${kh}×${kw} kernel`);
  }
  const oh = Math.floor((h + 2 * padH - kh) / strideH) + 1;
  const ow = Math.floor((w + 2 * padW - kw) / strideW) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`pool2d geometry: a ${kh}×${kw} window does not fit a ${h}×${w} input padded by ${padH}×${padW}`);
  }
  return { n, c, h, w, kh, kw, oh, ow, strideH, strideW, padH, padW };
}
