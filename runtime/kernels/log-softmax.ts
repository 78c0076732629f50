// logSoftmax over the last axis of a [rows × cols] view, and its backward.
// y = x − max − log Σ exp(x − max), so no exp overflows and log never sees 0 for the max element.

export function logSoftmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j]!;
      if (v > m) m = v;
    }
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - m);
    const shift = m + Math.log(s);
    for (let j = 0; j < cols; j++) y[base + j] = x[base + j]! - shift;
  }
}

/** dx = dy − exp(y) · Σ dy per row, from the forward output y. dx is overwritten. */
export function logSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += dy[base + j]!;
    for (let j = 0; j < cols; j++) dx[base + j] = dy[base + j]! - Math.exp(y[base + j]!) * s;
  }
}
