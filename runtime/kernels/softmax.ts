// softmax over the last axis of a [rows × cols] view, and its backward.
// Stable: subtracts the row maximum before exp. Sums are float64 (JS numbers).

export function softmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j]!;
      if (v > m) m = v;
    }
    // An all -∞ row has no finite maximum; subtracting 0 keeps it NaN-free until the division.
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[base + j]! - m);
      y[base + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) y[base + j] = y[base + j]! * inv;
  }
}

/** dx = y ⊙ (dy − Σ dy⊙y) per row, from the forward output y. dx is overwritten. */
export function softmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dy[base + j]! * y[base + j]!;
    for (let j = 0; j < cols; j++) dx[base + j] = y[base + j]! * (dy[base + j]! - dot);
  }
}
