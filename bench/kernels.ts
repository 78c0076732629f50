// Kernel benchmark: GFLOP/s of the TS-target matmul (all transpose cases) and of conv2d (im2col+matmul).
//
// Run:  npm run build && node dist/bench/kernels.js
// (or, once registered in bench/run.ts as "kernels": npm run bench -- kernels). Timings are noisy on a
// shared 2-core machine; each figure is the best of 3 rounds of ≥ 0.3 s after a JIT warm-up.

import { pathToFileURL } from "node:url";
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, conv2dGeometry, conv2dScratchSize, matmul } from "../runtime/index.js";

function randomFill(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

/** Best GFLOP/s over 3 rounds, each repeating `fn` until ≥ 0.3 s has passed. */
function gflops(fn: () => void, flops: number): number {
  for (let i = 0; i < 3; i++) fn();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let reps = 0;
    const t0 = performance.now();
    let ms = 0;
    while (ms < 300) {
      fn();
      reps++;
      ms = performance.now() - t0;
    }
    best = Math.max(best, (flops * reps) / (ms * 1e6));
  }
  return best;
}

function line(label: string, g: number): string {
  return `${label.padEnd(30)}${g.toFixed(2)} GFLOP/s`;
}

function benchMatmul(M: number, N: number, K: number, transA: boolean, transB: boolean): string {
  const a = randomFill(new Float32Array(M * K));
  const b = randomFill(new Float32Array(K * N));
  const c = new Float32Array(M * N);
  const g = gflops(() => matmul(a, b, c, M, N, K, transA, transB, false), 2 * M * N * K);
  return line(`matmul ${transA ? "T" : "N"}${transB ? "T" : "N"} ${M}x${N}x${K}`, g);
}

function benchConv(n: number, c: number, h: number, o: number, k: number): string {
  const pad = (k - 1) >> 1;
  const geom = conv2dGeometry(n, c, h, h, o, k, k, 1, 1, pad, pad);
  const x = randomFill(new Float32Array(n * c * h * h));
  const w = randomFill(new Float32Array(o * c * k * k));
  const bias = randomFill(new Float32Array(o));
  const y = new Float32Array(n * o * geom.oh * geom.ow);
  const scratch = new Float32Array(conv2dScratchSize(geom));
  const flops = 2 * n * o * geom.oh * geom.ow * c * k * k;
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const tag = `n${n} c${c} ${h}x${h} o${o} k${k}`;
  return [
    line(`conv2d ${tag}`, gflops(() => conv2d(x, w, bias, y, geom, scratch), flops)),
    line(`  backward input`, gflops(() => conv2dBackwardInput(y, w, dx, geom, scratch, false), flops)),
    line(`  backward weight`, gflops(() => conv2dBackwardWeight(x, y, dw, geom, scratch, false), flops)),
  ].join("\n");
}

export function benchKernels(): string {
  const lines: string[] = [];
  for (const n of [64, 256, 512]) lines.push(benchMatmul(n, n, n, false, false));
  for (const [ta, tb] of [
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    lines.push(benchMatmul(256, 256, 256, ta, tb));
  }
  lines.push(benchConv(64, 1, 28, 32, 3));
  lines.push(benchConv(64, 32, 14, 64, 3));
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(benchKernels() + "\n");
}
