// takeAlongLastAxis / scatterAlongLastAxis: pick one column per row (cross-entropy with labels).
//
// Rows whose index equals `ignore` (conventionally -1) contribute 0 forward and receive no gradient.
// Any other index outside [0, cols) is a data error (a label the model has no class for) → RangeError.

function badLabel(where: string, row: number, index: number, cols: number): RangeError {
  return new RangeError(`${where}: label ${index} in row ${row} is outside 0..${cols - 1} (${cols} classes)`);
}

/** out[r] = x[r, idx[r]], or 0 when idx[r] === ignore. */
export function takeAlongLastAxis(
  x: Float32Array,
  idx: Int32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  ignore: number,
): void {
  for (let r = 0; r < rows; r++) {
    const k = idx[r]!;
    if (k === ignore) {
      out[r] = 0;
      continue;
    }
    if (k < 0 || k >= cols) throw badLabel("takeAlongLastAxis", r, k, cols);
    out[r] = x[r * cols + k]!;
  }
}

/** dx[r, idx[r]] += dOut[r] (rows with idx = ignore skipped); dx is zeroed first unless accumulate. */
export function scatterAlongLastAxis(
  dOut: Float32Array,
  idx: Int32Array,
  dx: Float32Array,
  rows: number,
  cols: number,
  ignore: number,
  accumulate: boolean,
): void {
  if (!accumulate) dx.fill(0, 0, rows * cols);
  for (let r = 0; r < rows; r++) {
    const k = idx[r]!;
    if (k === ignore) continue;
    if (k < 0 || k >= cols) throw badLabel("scatterAlongLastAxis", r, k, cols);
    const at = r * cols + k;
    dx[at] = dx[at]! + dOut[r]!;
  }
}

/** Number of rows whose index is not `ignore` (the divisor of a mean loss with ignored labels). */
export function countNotIgnored(idx: Int32Array, rows: number, ignore: number): number {
  let c = 0;
  for (let r = 0; r < rows; r++) if (idx[r] !== ignore) c++;
  return c;
}
