// Conv2dGeometry: every size a 2-D convolution and its gradients need, computed once per layer.
//
// Callers (generated module code) build one geometry object per conv layer at module creation and pass
// the same object on every step, so kernels read plain fields and never allocate. Conv1d is H = 1,
// ConvTranspose2d's forward is conv2dBackwardInput with the transposed layer's geometry.

export interface Conv2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
}

function positiveInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`conv2d geometry: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** Output size of one spatial axis (PyTorch's formula, floor mode). */
export function convOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

export function conv2dGeometry(
  n: number,
  c: number,
  h: number,
  w: number,
  o: number,
  kh: number,
  kw: number,
  strideH = 1,
  strideW = 1,
  padH = 0,
  padW = 0,
  dilationH = 1,
  dilationW = 1,
  groups = 1,
): Conv2dGeometry {
  positiveInt("n", n, 1);
  positiveInt("c", c, 1);
  positiveInt("h", h, 1);
  positiveInt("w", w, 1);
  positiveInt("o", o, 1);
  positiveInt("kh", kh, 1);
  positiveInt("kw", kw, 1);
  positiveInt("strideH", strideH, 1);
  positiveInt("strideW", strideW, 1);
  positiveInt("padH", padH, 0);
  positiveInt("padW", padW, 0);
  positiveInt("dilationH", dilationH, 1);
  positiveInt("dilationW", dilationW, 1);
  positiveInt("groups", groups, 1);
  if (c % groups !== 0 || o % groups !== 0) {
    throw new RangeError(`conv2d geometry: channels in (${c}) and out (${o}) must both be divisible by groups (${groups})`);
  }
  const oh = convOutputSize(h, kh, strideH, padH, dilationH);
  const ow = convOutputSize(w, kw, strideW, padW, dilationW);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `conv2d geometry: a ${kh}×${kw} kernel (dilation ${dilationH}×${dilationW}) does not fit a ${h}×${w} input padded by ${padH}×${padW}`,
    );
  }
  return { n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW, groups };
}

/** True when the convolution is a plain matmul over channels (1×1, stride 1, no padding). */
export function isPointwise(g: Conv2dGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0;
}

/** Float32 elements of scratch that conv2d, conv2dBackwardInput and conv2dBackwardWeight need. */
export function conv2dScratchSize(g: Conv2dGeometry): number {
  if (isPointwise(g)) return 0;
  return (g.c / g.groups) * g.kh * g.kw * g.oh * g.ow;
}
