// Reference transpose: for each output multi-index, compute the input flat index from scratch.

export function refTranspose(x: Float32Array, y: Float32Array, shape: ArrayLike<number>, perm: ArrayLike<number>): void {
  const rank = shape.length;
  const outShape = Array.from({ length: rank }, (_, k) => shape[perm[k]!]!);
  const total = outShape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const idx = new Array<number>(rank).fill(0);
    let r = flat;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k] = r % outShape[k]!;
      r = Math.floor(r / outShape[k]!);
    }
    const inIdx = new Array<number>(rank).fill(0);
    for (let k = 0; k < rank; k++) inIdx[perm[k]!] = idx[k]!;
    let src = 0;
    for (let a = 0; a < rank; a++) src = src * shape[a]! + inIdx[a]!;
    y[flat] = x[src]!;
  }
}
