// Shape vocabulary of the IR: dtypes, tensor types, the IrError every inference function throws, and the small
// shape rules the op table shares (broadcasting, axes, convolution and pooling output sizes).
//
// Shapes are fully static: lowering binds every symbolic dim (batch included) before it builds IR, so a
// shape here is a plain array of non-negative integers and a scalar is [].

export type DType = "f32" | "i32";

export interface TensorType {
  shape: number[];
  dtype: DType;
}

/** Misuse of an op (bad input shapes, dtypes or attrs) found while building or verifying IR. */
export class IrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IrError";
  }
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function typeText(t: TensorType): string {
  return `${t.dtype}${shapeText(t.shape)}`;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new IrError(`${what}: shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  }
}

export function checkInt(v: number, what: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new IrError(`${what} must be an integer >= ${min}, got ${v}`);
}

export function checkPair(p: readonly number[], what: string, min: number): void {
  if (!Array.isArray(p) || p.length !== 2) throw new IrError(`${what} must be a pair [h, w]`);
  checkInt(p[0]!, what, min);
  checkInt(p[1]!, what, min);
}

export function checkAxis(axis: number, rank: number, what: string): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new IrError(`${what}: axis ${axis} out of range for rank ${rank} (axes are normalised, 0 <= axis < rank)`);
  }
}

/** Axes must be distinct, sorted, in range: one spelling per meaning keeps printed IR and CSE canonical. */
export function checkAxes(axes: readonly number[], rank: number, what: string): void {
  for (let i = 0; i < axes.length; i++) {
    checkAxis(axes[i]!, rank, what);
    if (i > 0 && axes[i]! <= axes[i - 1]!) throw new IrError(`${what}: axes ${shapeText(axes)} must be sorted and distinct`);
  }
}

/** NumPy broadcasting: align trailing dims; a dim broadcasts when it is 1. */
export function broadcastShapes(shapes: readonly (readonly number[])[], what: string): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new IrError(`${what}: shapes ${shapes.map(shapeText).join(" and ")} do not broadcast`);
    }
  }
  return out;
}

/** PyTorch's output size: floor((H + 2p − d(k−1) − 1) / s) + 1. */
export function convOutSize(h: number, k: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((h + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

export function expectRank(t: TensorType, rank: number, what: string): void {
  if (t.shape.length !== rank) throw new IrError(`${what}: expected rank ${rank}, got ${typeText(t)}`);
}

export function expectDType(t: TensorType, dtype: DType, what: string): void {
  if (t.dtype !== dtype) throw new IrError(`${what}: expected ${dtype}, got ${typeText(t)}`);
}
