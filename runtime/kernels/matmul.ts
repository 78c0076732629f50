// matmul: c[M×N] (+)= op(a)·op(b), row-major f32, no allocation.
//
// op(a) is a[M×K], or a stored [K×M] when transA; op(b) is b[K×N], or b stored [N×K] when transB.
// `matmulAt` takes element offsets so batched matmul and conv can address sub-matrices of one view
// without `subarray` (which allocates).
//
// Design: two inner-loop shapes, picked by where op(b)'s rows are contiguous.
// - b not transposed ("axpy" form): for two rows i, i+1 of c and 4 consecutive k,
//   c[i, j] += Σ a[i, k..k+3]·b[k..k+3, j] and the same for row i+1, with the j loop over contiguous
//   memory: the 4 b values loaded per j serve both rows (16 flops per 4 b loads + 2 c loads/stores).
//   Blocked over k (KC) and j (NC) so the KC×NC panel of b stays in L2 while the rows of a stream over
//   it, and c's two row segments stay in L1. transA only changes how the a scalars are read (strided).
// - b transposed ("dot" form): c[i, j] is a dot product of two contiguous rows; a 2×2 register tile
//   (rows i, i+1 of a; rows j, j+1 of b) gives 4 loads per 8 flops. With transA too, a's column is
//   strided; that case is rare (a gradient of a gradient) and uses the 1×4 tile over j.
// JS evaluates `c + a*b + …` in float64 and rounds once per store, so results are at least as
// accurate as a float32 FMA chain.

const KC = 128;
const NC = 1024;

export function matmul(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  matmulAt(a, 0, b, 0, c, 0, M, N, K, transA, transB, accumulate);
}

export function matmulAt(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + M * N);
  if (M === 0 || N === 0 || K === 0) return;
  if (transB) {
    if (transA) dotTransATransB(a, aOff, b, bOff, c, cOff, M, N, K);
    else dotTransB(a, aOff, b, bOff, c, cOff, M, N, K);
  } else {
    // a[i, k] lives at aOff + i*ai + k*ak.
    const ai = transA ? 1 : K;
    const ak = transA ? M : 1;
    axpyForm(a, aOff, ai, ak, b, bOff, c, cOff, M, N, K);
  }
}

function axpyForm(
  a: Float32Array,
  aOff: number,
  ai: number,
  ak: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  for (let j0 = 0; j0 < N; j0 += NC) {
    const j1 = j0 + NC < N ? j0 + NC : N;
    const jn = j1 - j0;
    const j4 = j0 + (jn - (jn & 3));
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = k0 + KC < K ? k0 + KC : K;
      const kn = k1 - k0;
      const k4 = k0 + (kn - (kn & 3));
      let i = 0;
      for (; i + 1 < M; i += 2) {
        const ci = cOff + i * N;
        const cj = ci + N;
        const ar = aOff + i * ai;
        const as = ar + ai;
        let k = k0;
        for (; k < k4; k += 4) {
          const a0 = a[ar + k * ak]!;
          const a1 = a[ar + (k + 1) * ak]!;
          const a2 = a[ar + (k + 2) * ak]!;
          const a3 = a[ar + (k + 3) * ak]!;
          const e0 = a[as + k * ak]!;
          const e1 = a[as + (k + 1) * ak]!;
          const e2 = a[as + (k + 2) * ak]!;
          const e3 = a[as + (k + 3) * ak]!;
          const b0 = bOff + k * N;
          const b1 = b0 + N;
          const b2 = b1 + N;
          const b3 = b2 + N;
          for (let j = j0; j < j1; j++) {
            const x0 = b[b0 + j]!;
            const x1 = b[b1 + j]!;
            const x2 = b[b2 + j]!;
            const x3 = b[b3 + j]!;
            c[ci + j] = c[ci + j]! + a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
            c[cj + j] = c[cj + j]! + e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
          }
        }
        for (; k < k1; k++) {
          const a0 = a[ar + k * ak]!;
          const e0 = a[as + k * ak]!;
          const b0 = bOff + k * N;
          for (let j = j0; j < j1; j++) {
            const x0 = b[b0 + j]!;
            c[ci + j] = c[ci + j]! + a0 * x0;
            c[cj + j] = c[cj + j]! + e0 * x0;
          }
        }
      }
      for (; i < M; i++) {
        const ci = cOff + i * N;
        const ar = aOff + i * ai;
        let k = k0;
        for (; k < k4; k += 4) {
          const a0 = a[ar + k * ak]!;
          const a1 = a[ar + (k + 1) * ak]!;
          const a2 = a[ar + (k + 2) * ak]!;
          const a3 = a[ar + (k + 3) * ak]!;
          const b0 = bOff + k * N;
          const b1 = b0 + N;
          const b2 = b1 + N;
          const b3 = b2 + N;
          let j = j0;
          for (; j < j4; j += 4) {
            c[ci + j] = c[ci + j]! + a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
            c[ci + j + 1] =
              c[ci + j + 1]! + a0 * b[b0 + j + 1]! + a1 * b[b1 + j + 1]! + a2 * b[b2 + j + 1]! + a3 * b[b3 + j + 1]!;
            c[ci + j + 2] =
              c[ci + j + 2]! + a0 * b[b0 + j + 2]! + a1 * b[b1 + j + 2]! + a2 * b[b2 + j + 2]! + a3 * b[b3 + j + 2]!;
            c[ci + j + 3] =
              c[ci + j + 3]! + a0 * b[b0 + j + 3]! + a1 * b[b1 + j + 3]! + a2 * b[b2 + j + 3]! + a3 * b[b3 + j + 3]!;
          }
          for (; j < j1; j++) {
            c[ci + j] = c[ci + j]! + a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
          }
        }
        for (; k < k1; k++) {
          const a0 = a[ar + k * ak]!;
          const b0 = bOff + k * N;
          let j = j0;
          for (; j < j4; j += 4) {
            c[ci + j] = c[ci + j]! + a0 * b[b0 + j]!;
            c[ci + j + 1] = c[ci + j + 1]! + a0 * b[b0 + j + 1]!;
            c[ci + j + 2] = c[ci + j + 2]! + a0 * b[b0 + j + 2]!;
            c[ci + j + 3] = c[ci + j + 3]! + a0 * b[b0 + j + 3]!;
          }
          for (; j < j1; j++) c[ci + j] = c[ci + j]! + a0 * b[b0 + j]!;
        }
      }
    }
  }
}

// c[i, j] += Σ_k a[i, k] · b[j, k]; both rows contiguous in k.
function dotTransB(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  const M2 = M - (M & 1);
  const N2 = N - (N & 1);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = k0 + KC < K ? k0 + KC : K;
    let i = 0;
    for (; i < M2; i += 2) {
      const a0 = aOff + i * K;
      const a1 = a0 + K;
      const c0 = cOff + i * N;
      const c1 = c0 + N;
      let j = 0;
      for (; j < N2; j += 2) {
        const b0 = bOff + j * K;
        const b1 = b0 + K;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let k = k0; k < k1; k++) {
          const x0 = a[a0 + k]!;
          const x1 = a[a1 + k]!;
          const y0 = b[b0 + k]!;
          const y1 = b[b1 + k]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        c[c0 + j] = c[c0 + j]! + s00;
        c[c0 + j + 1] = c[c0 + j + 1]! + s01;
        c[c1 + j] = c[c1 + j]! + s10;
        c[c1 + j + 1] = c[c1 + j + 1]! + s11;
      }
      if (j < N) {
        const b0 = bOff + j * K;
        let s0 = 0;
        let s1 = 0;
        for (let k = k0; k < k1; k++) {
          const y = b[b0 + k]!;
          s0 += a[a0 + k]! * y;
          s1 += a[a1 + k]! * y;
        }
        c[c0 + j] = c[c0 + j]! + s0;
        c[c1 + j] = c[c1 + j]! + s1;
      }
    }
    if (i < M) {
      const a0 = aOff + i * K;
      const c0 = cOff + i * N;
      for (let j = 0; j < N; j++) {
        const b0 = bOff + j * K;
        let s = 0;
        for (let k = k0; k < k1; k++) s += a[a0 + k]! * b[b0 + k]!;
        c[c0 + j] = c[c0 + j]! + s;
      }
    }
  }
}

// c[i, j] += Σ_k a[k, i] · b[j, k]: a's column is strided by M, b's row contiguous.
function dotTransATransB(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  const N4 = N - (N & 3);
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * N;
    const ac = aOff + i;
    let j = 0;
    for (; j < N4; j += 4) {
      const b0 = bOff + j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = a[ac + k * M]!;
        s0 += x * b[b0 + k]!;
        s1 += x * b[b1 + k]!;
        s2 += x * b[b2 + k]!;
        s3 += x * b[b3 + k]!;
      }
      c[ci + j] = c[ci + j]! + s0;
      c[ci + j + 1] = c[ci + j + 1]! + s1;
      c[ci + j + 2] = c[ci + j + 2]! + s2;
      c[ci + j + 3] = c[ci + j + 3]! + s3;
    }
    for (; j < N; j++) {
      const b0 = bOff + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ac + k * M]! * b[b0 + k]!;
      c[ci + j] = c[ci + j]! + s;
    }
  }
}
