// PCA: eigen-solvers against matrices with known spectra, the covariance against a naive two-pass
// computation, and reconstruction error against the variance identity (error = discarded variance / d).

import { describe, expect, it } from "vitest";
import { covariance, fitPca, pcaReconstructionMse, symmetricEigen, topEigen } from "../../../runtime/stats/pca.js";
import { createRng } from "../../../runtime/rng.js";

/** The n×n second-difference matrix tridiag(-1, 2, -1): λ_j = 2 − 2cos(jπ/(n+1)), v_j[i] ∝ sin(ijπ/(n+1)). */
function secondDifference(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 2;
    if (i > 0) a[i * n + i - 1] = -1;
    if (i + 1 < n) a[i * n + i + 1] = -1;
  }
  return a;
}
const knownEigenvalue = (n: number, j: number) => 2 - 2 * Math.cos((j * Math.PI) / (n + 1));

describe("symmetricEigen (Jacobi)", () => {
  it("finds the spectrum of tridiag(-1, 2, -1), decreasing, with A v = λ v", () => {
    const n = 9;
    const a = secondDifference(n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let r = 0; r < n; r++) {
      expect(values[r]).toBeCloseTo(knownEigenvalue(n, n - r), 10);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[r * n + k]!;
        expect(av).toBeCloseTo(values[r]! * vectors[r * n + i]!, 9);
      }
    }
  });
});

describe("topEigen (subspace iteration)", () => {
  it("finds the 5 largest eigenpairs of a 60×60 second-difference matrix", () => {
    const n = 60;
    const { values, vectors } = topEigen(secondDifference(n), n, 5, { iterations: 5000, tolerance: 1e-14 });
    for (let r = 0; r < 5; r++) {
      const j = n - r;
      expect(values[r]).toBeCloseTo(knownEigenvalue(n, j), 8);
      // Compare with the analytic eigenvector, up to sign.
      const exact = Float64Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * j * Math.PI) / (n + 1)));
      const norm = Math.hypot(...exact);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (exact[i]! / norm) * vectors[r * n + i]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 5);
    }
  });
});

describe("covariance", () => {
  it("matches a naive two-pass computation (with zeros in the data)", () => {
    const rng = createRng(3);
    const count = 50;
    const dim = 7;
    const rows = Float32Array.from({ length: count * dim }, () => (rng.nextFloat() < 0.4 ? 0 : rng.nextNormal()));
    const { mean, cov } = covariance(rows, count, dim);
    for (let i = 0; i < dim; i++) {
      let m = 0;
      for (let r = 0; r < count; r++) m += rows[r * dim + i]!;
      expect(mean[i]).toBeCloseTo(m / count, 12);
    }
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let r = 0; r < count; r++) s += (rows[r * dim + i]! - mean[i]!) * (rows[r * dim + j]! - mean[j]!);
      expect(cov[i * dim + j]).toBeCloseTo(s / count, 10);
    }
  });
});

describe("fitPca / pcaReconstructionMse", () => {
  const rng = createRng(11);
  const dim = 12;
  const count = 400;
  // Data = offset + 3 latent directions with decreasing scale + small isotropic noise.
  const basis = Array.from({ length: 3 }, () => Float64Array.from({ length: dim }, () => rng.nextNormal()));
  const rows = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const z = [3 * rng.nextNormal(), 2 * rng.nextNormal(), rng.nextNormal()];
    for (let j = 0; j < dim; j++) {
      rows[r * dim + j] = 5 + z[0]! * basis[0]![j]! + z[1]! * basis[1]![j]! + z[2]! * basis[2]![j]! + 0.01 * rng.nextNormal();
    }
  }

  it("reconstruction error on the fitted data equals the discarded variance per value", () => {
    for (const k of [1, 2, 4]) {
      const pca = fitPca(rows, count, dim, k);
      const kept = pca.variances.reduce((a, b) => a + b, 0);
      const mse = pcaReconstructionMse(pca, rows, count);
      expect(mse).toBeCloseTo((pca.totalVariance - kept) / dim, 6);
    }
  });

  it("three components reconstruct data that lies near a 3-d subspace almost exactly; components are orthonormal", () => {
    const pca = fitPca(rows, count, dim, 3);
    expect(pcaReconstructionMse(pca, rows, count)).toBeLessThan(2e-4);
    expect(pcaReconstructionMse(fitPca(rows, count, dim, 2), rows, count)).toBeGreaterThan(0.01);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += pca.components[a * dim + j]! * pca.components[b * dim + j]!;
      expect(dot).toBeCloseTo(a === b ? 1 : 0, 8);
    }
  });
});
