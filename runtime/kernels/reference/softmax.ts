// Reference softmax / logSoftmax and their backwards straight from the definitions, float64.
// softmax = exp(x − max)/Σ; the backward is the explicit Jacobian-vector product.

function rowSoftmax(x: ArrayLike<number>, base: number, cols: number): number[] {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, x[base + j]!);
  const e: number[] = [];
  for (let j = 0; j < cols; j++) e.push(Math.exp(x[base + j]! - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

export function refSoftmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) rowSoftmax(x, r * cols, cols).forEach((v, j) => (y[r * cols + j] = v));
}

export function refLogSoftmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) rowSoftmax(x, r * cols, cols).forEach((v, j) => (y[r * cols + j] = Math.log(v)));
}

// J[i][j] = y_i (δ_ij − y_j), so dx_j = Σ_i dy_i · y_i (δ_ij − y_j).
export function refSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < cols; i++) s += dy[r * cols + i]! * y[r * cols + i]! * ((i === j ? 1 : 0) - y[r * cols + j]!);
      dx[r * cols + j] = s;
    }
}

// For z = log softmax(x): ∂z_i/∂x_j = δ_ij − softmax_j, with softmax_j = exp(z_j).
export function refLogSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < cols; i++) s += dy[r * cols + i]! * ((i === j ? 1 : 0) - Math.exp(y[r * cols + j]!));
      dx[r * cols + j] = s;
    }
}
