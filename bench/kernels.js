// Kernel micro-benchmark: GFLOP/s of the TS-target matmul (and conv2d via im2col) at a few sizes.
//
// Run from the repo root after building:  npm run build && node bench/kernels.js
// It imports the built runtime (dist/runtime), so it measures exactly what generated code links against.
// Optional first argument: a directory holding the built runtime's index.js (default ../dist/runtime).
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const dir = process.argv[2] ? resolve(process.argv[2]) : resolve(import.meta.dirname, "../dist/runtime");
const rt = await import(pathToFileURL(resolve(dir, "index.js")).href);

function randomFill(x) {
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

function time(fn, flops) {
  // Warm up until the JIT has settled, then time enough repetitions for ~0.5 s.
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    const ms = performance.now() - t0;
    if (ms > 500) return (flops * reps) / (ms * 1e6);
    reps *= 2;
  }
}

function benchMatmul(M, N, K, transA, transB) {
  const a = randomFill(new Float32Array(M * K));
  const b = randomFill(new Float32Array(K * N));
  const c = new Float32Array(M * N);
  const g = time(() => rt.matmul(a, b, c, M, N, K, transA, transB, false), 2 * M * N * K);
  const tag = `${transA ? "T" : "N"}${transB ? "T" : "N"}`;
  console.log(`matmul ${tag} ${M}x${N}x${K}`.padEnd(28) + `${g.toFixed(2)} GFLOP/s`);
}

for (const n of [64, 256, 512]) benchMatmul(n, n, n, false, false);
for (const n of [256, 512]) {
  benchMatmul(n, n, n, false, true);
  benchMatmul(n, n, n, true, false);
  benchMatmul(n, n, n, true, true);
}

function benchConv(n, c, h, o, k) {
  const geom = rt.conv2dGeometry(n, c, h, h, o, k, k, 1, 1, (k - 1) >> 1, (k - 1) >> 1, 1, 1, 1);
  const x = randomFill(new Float32Array(n * c * h * h));
  const w = randomFill(new Float32Array(o * c * k * k));
  const bias = randomFill(new Float32Array(o));
  const y = new Float32Array(n * o * geom.oh * geom.ow);
  const scratch = new Float32Array(rt.conv2dScratchSize(geom));
  const flops = 2 * n * o * geom.oh * geom.ow * c * k * k;
  const g = time(() => rt.conv2d(x, w, bias, y, geom, scratch), flops);
  console.log(`conv2d n${n} c${c} ${h}x${h} o${o} k${k}`.padEnd(28) + `${g.toFixed(2)} GFLOP/s`);
}

benchConv(64, 1, 28, 32, 3);
benchConv(64, 32, 14, 64, 3);
