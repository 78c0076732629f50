// Principal component analysis in float64, the linear baseline an autoencoder must beat.
//
// Straightforward on purpose: the d×d covariance is accumulated example by example (zero pixels skipped:
// images are half background), then its top k eigenvectors are found by orthogonal (subspace) iteration
// with a few extra vectors, followed by Rayleigh–Ritz (the small projected matrix diagonalised by cyclic
// Jacobi). For d = 784, k = 32 this takes seconds and needs no linear-algebra library.

export interface Pca {
  readonly dim: number;
  readonly mean: Float64Array;
  /** k components, row-major [k, dim], orthonormal, by decreasing variance. */
  readonly components: Float64Array;
  /** Their variances (eigenvalues of the covariance, divisor N), decreasing. */
  readonly variances: Float64Array;
  /** Total variance (trace of the covariance): variances not kept sum to total − Σ variances. */
  readonly totalVariance: number;
}

/** Mean and covariance (divisor N) of `count` rows of `dim` values. */
export function covariance(rows: ArrayLike<number>, count: number, dim: number): { mean: Float64Array; cov: Float64Array } {
  if (count < 1 || rows.length < count * dim) throw new RangeError(`covariance: need ${count}×${dim} values, have ${rows.length}`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let j = 0; j < dim; j++) mean[j]! += rows[r * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= count;
  // Σ x xᵀ over the raw rows (sparse-friendly), then subtract N·μμᵀ; upper triangle first, mirrored after.
  const cov = new Float64Array(dim * dim);
  const nz = new Int32Array(dim);
  const val = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    let m = 0;
    for (let j = 0; j < dim; j++) {
      const v = rows[r * dim + j]!;
      if (v !== 0) {
        nz[m] = j;
        val[m++] = v;
      }
    }
    for (let a = 0; a < m; a++) {
      const row = nz[a]! * dim;
      const va = val[a]!;
      for (let b = a; b < m; b++) cov[row + nz[b]!]! += va * val[b]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const c = cov[i * dim + j]! / count - mean[i]! * mean[j]!;
      cov[i * dim + j] = c;
      cov[j * dim + i] = c;
    }
  }
  return { mean, cov };
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: values decreasing. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from({ length: n * n }, (_, i) => matrix[i]!);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (i === j ? (norm += a[i * n + j]! ** 2) : (off += a[i * n + j]! ** 2));
    if (off <= 1e-30 * Math.max(norm, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns p and q; V ← V J.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  // vectors row-major [n, n]: row r is the eigenvector of values[r] (a column of V).
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}

/** Orthonormalises the m rows of q ([m, d]) in place (modified Gram–Schmidt, twice for stability). */
function orthonormalize(q: Float64Array, m: number, d: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += q[i * d + k]! * q[j * d + k]!;
        for (let k = 0; k < d; k++) q[i * d + k]! -= dot * q[j * d + k]!;
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += q[i * d + k]! ** 2;
      norm = Math.sqrt(norm);
      // A vector that vanished (rank-deficient data) is replaced by a fresh basis direction.
      if (norm < 1e-300) {
        q.fill(0, i * d, (i + 1) * d);
        q[i * d + (i % d)] = 1;
        continue;
      }
      for (let k = 0; k < d; k++) q[i * d + k]! /= norm;
    }
  }
}

/** y[m, d] = q[m, d] · C (C symmetric [d, d]). */
function timesCov(q: Float64Array, cov: Float64Array, y: Float64Array, m: number, d: number): void {
  y.fill(0);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < d; k++) {
      const qk = q[i * d + k]!;
      if (qk === 0) continue;
      const row = k * d;
      const out = i * d;
      for (let j = 0; j < d; j++) y[out + j]! += qk * cov[row + j]!;
    }
  }
}

/** The top k eigenpairs of a symmetric d×d matrix by subspace iteration + Rayleigh–Ritz. */
export function topEigen(cov: Float64Array, d: number, k: number, options: { iterations?: number; tolerance?: number } = {}): { values: Float64Array; vectors: Float64Array } {
  if (k < 1 || k > d) throw new RangeError(`topEigen: k must be in 1..${d}, got ${k}`);
  const m = Math.min(d, k + Math.max(8, Math.ceil(k / 2)));
  let q = new Float64Array(m * d);
  // A deterministic start (no RNG needed): a fixed pseudo-random pattern.
  for (let i = 0; i < m * d; i++) q[i] = Math.sin(12.9898 * (i + 1)) * 43758.5453 % 1;
  orthonormalize(q, m, d);
  let y = new Float64Array(m * d);
  let previous: Float64Array = new Float64Array(k);
  const maxIter = options.iterations ?? 500;
  const tol = options.tolerance ?? 1e-10;
  let ritz: { values: Float64Array; vectors: Float64Array };
  for (let it = 0; it < maxIter; it++) {
    timesCov(q, cov, y, m, d);
    // Rayleigh–Ritz every iteration: H = Q C Qᵀ (m×m), rotate Q by H's eigenvectors.
    const h = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += q[i * d + t]! * y[j * d + t]!;
      h[i * m + j] = s;
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) h[i * m + j] = h[j * m + i] = (h[i * m + j]! + h[j * m + i]!) / 2;
    ritz = symmetricEigen(h, m);
    const converged = it > 2 && ritz.values.subarray(0, k).every((v, i) => Math.abs(v - previous[i]!) <= tol * Math.max(Math.abs(ritz.values[0]!), 1e-300));
    previous = ritz.values.slice(0, k);
    // Next basis: the Ritz rotation of C·Q (one power step), re-orthonormalised.
    const next = new Float64Array(m * d);
    for (let r = 0; r < m; r++) for (let j = 0; j < m; j++) {
      const w = ritz.vectors[r * m + j]!;
      if (w === 0) continue;
      for (let t = 0; t < d; t++) next[r * d + t]! += w * (converged ? q[j * d + t]! : y[j * d + t]!);
    }
    if (converged) {
      q = next;
      break;
    }
    orthonormalize(next, m, d);
    [q, y] = [next, y];
  }
  orthonormalize(q, m, d);
  return { values: previous, vectors: q.slice(0, k * d) };
}

/** Fits a k-component PCA to `count` rows of `dim` values. */
export function fitPca(rows: ArrayLike<number>, count: number, dim: number, k: number): Pca {
  const { mean, cov } = covariance(rows, count, dim);
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += cov[i * dim + i]!;
  const { values, vectors } = topEigen(cov, dim, k);
  return { dim, mean, components: vectors, variances: values, totalVariance: trace };
}

/** Mean squared error per value of reconstructing `count` rows from their projection on the components. */
export function pcaReconstructionMse(pca: Pca, rows: ArrayLike<number>, count: number, out?: Float32Array): number {
  const { dim, mean, components } = pca;
  const k = components.length / dim;
  const centered = new Float64Array(dim);
  const code = new Float64Array(k);
  let sum = 0;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) centered[j] = rows[r * dim + j]! - mean[j]!;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += components[c * dim + j]! * centered[j]!;
      code[c] = s;
    }
    for (let j = 0; j < dim; j++) {
      let rec = mean[j]!;
      for (let c = 0; c < k; c++) rec += code[c]! * components[c * dim + j]!;
      if (out) out[r * dim + j] = rec;
      sum += (rec - rows[r * dim + j]!) ** 2;
    }
  }
  return sum / (count * dim);
}
