// The per-node partition of the threads design (compiler/emit/wasm/partition.ts): bounds cover the axis
// in quantum-aligned pieces; no reduction, weight gradient or scatter_add is split along a summed axis
// (checked on the train steps of the examples); and the premise of bit-identical threads holds for the
// Wasm matmul: computing C by the row ranges of its partition gives exactly the bits of one call.

import fc from "fast-check";
import { expect, it } from "vitest";
import { partitionOf, splitBounds } from "../../compiler/emit/wasm/partition.js";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm } from "../../compiler/emit/wasm/load.js";
import type { MatmulFn } from "../../compiler/emit/wasm/kernels/matmul.js";
import { addMatmul, matmulScratchBytes } from "../../compiler/emit/wasm/kernels/matmul.js";
import type { Node } from "../../compiler/ir/graph.js";
import { lowerExample } from "../emit/examples.js";
import { Heap, randArray, rng } from "./helpers.js";

it("property: bounds start at 0, end at the extent, rise, and cut at multiples of the quantum", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 4, 8), (extent, workers, quantum) => {
      const b = splitBounds(extent, workers, quantum);
      expect(b.length).toBe(workers + 1);
      expect(b[0]).toBe(0);
      expect(b[workers]).toBe(extent);
      for (let w = 0; w < workers; w++) expect(b[w + 1]!).toBeGreaterThanOrEqual(b[w]!);
      for (const x of b.slice(1, -1)) expect(x % quantum).toBe(0);
      // as even as the quantum allows
      for (let w = 0; w < workers; w++) expect(Math.abs(b[w + 1]! - b[w]! - extent / workers)).toBeLessThanOrEqual(quantum);
    }),
  );
});

it.each(["mlp", "cnn", "char-lstm"])("%s train step: every node has a partition, none splits a summed axis", (name) => {
  const { program } = lowerExample(name);
  const g = program.models[0]!.train!.graph;
  const counts = { split: 0, serial: 0 };
  for (const n of g.nodes) {
    const p = partitionOf(n, (i) => g.nodes[n.inputs[i]!]!.shape, 2, 1024);
    counts[p.kind]++;
    if (p.kind === "serial") continue;
    expect(p.bounds[p.bounds.length - 1]).toBe(p.extent);
    expect(p.extent).toBe(p.axis === "flat" ? n.shape.reduce((a, b) => a * b, 1) : n.shape[p.axis]);
    if ((n.op === "sum" || n.op === "mean" || n.op === "max") && n.attrs.keepdims) expect(n.attrs.axes).not.toContain(p.axis);
    if (n.op === "conv2d_backward_weight") expect(p.axis).toBe(0); // output channels, not images
    if (n.op === "scatter_add") expect(p.axis).toBe(n.shape.length - 1); // columns of the table
    if (n.op === "matmul" && n.shape.length === 2) expect(p.bounds.slice(1, -1).every((b) => b % 4 === 0)).toBe(true);
  }
  expect(counts.split).toBeGreaterThan(0);
});

it("a scalar result (the loss) and sources are not split", () => {
  const loss = { id: 0, op: "mean", inputs: [1], shape: [], dtype: "f32", attrs: { axes: [0], keepdims: false } } as unknown as Node;
  expect(partitionOf(loss, () => [64])).toEqual({ kind: "serial", reason: "whole-tensor result" });
  const param = { id: 0, op: "param", inputs: [], shape: [512, 784], dtype: "f32", attrs: { name: "w" } } as unknown as Node;
  expect(partitionOf(param, () => [])).toEqual({ kind: "serial", reason: "no work" });
});

it("the Wasm matmul by the row ranges of its partition gives exactly the bits of one call", async () => {
  const mod = await WasmModule.create();
  addMatmul(mod);
  const { binary } = mod.finish();
  const memory = createMemory(1);
  const { exports } = await loadWasm<{ matmul: MatmulFn }>(binary, ["matmul"], { memory });
  const heap = new Heap(memory);
  const s = matmulScratchBytes();
  const packA = heap.alloc(s.packA);
  const packB = heap.alloc(s.packB);
  const rand = rng(7);
  for (const [M, N, K, transB] of [[70, 37, 129, false], [130, 64, 300, true], [9, 200, 33, false]] as const) {
    const node = { id: 0, op: "matmul", inputs: [1, 2], shape: [M, N], dtype: "f32", attrs: { transA: false, transB } } as unknown as Node;
    const p = partitionOf(node, () => [], 2, 1);
    expect(p.kind).toBe("split");
    if (p.kind !== "split") continue;
    const mark = heap.alloc(0);
    const a = heap.put(randArray(rand, M * K));
    const b = heap.put(randArray(rand, K * N));
    const whole = heap.alloc(4 * M * N);
    const parts = heap.alloc(4 * M * N);
    exports.matmul(a, b, whole, M, N, K, 0, transB ? 1 : 0, 0, packA, packB);
    for (let w = 0; w + 1 < p.bounds.length; w++) {
      const [r0, r1] = [p.bounds[w]!, p.bounds[w + 1]!];
      exports.matmul(a + 4 * r0 * K, b, parts + 4 * r0 * N, r1 - r0, N, K, 0, transB ? 1 : 0, 0, packA, packB);
    }
    const x = new Uint32Array(memory.buffer, whole, M * N);
    const y = new Uint32Array(memory.buffer, parts, M * N);
    expect(Array.from(y)).toEqual(Array.from(x));
    heap.reset(mark);
  }
});
