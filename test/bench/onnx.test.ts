// The onnxruntime contender without onnxruntime: a stand-in package found through DLM_ONNXRUNTIME runs the
// exported bytes with the test's float64 ONNX evaluator, so the loading, the export of the protocol
// model, the check against dlm-ts and the contender's shape are all exercised. Without a package the
// contender is one info line saying how to install it.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ONNXRUNTIME_MISSING, onnxContenders, resolveOnnxruntime } from "../../bench/compare/onnx.js";
import { WORKLOADS } from "../../bench/compare/protocol.js";
import { decodeModel } from "../emit-onnx/decode.js";
import { runGraph, tensorOf } from "../emit-onnx/evaluate.js";

const FAKE = `// stand-in for onnxruntime-node: the test supplies run()
exports.Tensor = class { constructor(type, data, dims) { this.type = type; this.data = data; this.dims = dims; } };
exports.InferenceSession = { create: async (bytes, options) => {
  globalThis.__fakeOrt.created.push(options);
  return { run: async (feeds) => globalThis.__fakeOrt.run(bytes, feeds), release: async () => {} };
} };
`;

interface FakeTensor { data: Float32Array; dims: number[] }
const fake = {
  created: [] as Array<Record<string, unknown>>,
  runs: 0,
  run(bytes: Uint8Array, feeds: Record<string, FakeTensor>) {
    this.runs++;
    const g = decodeModel(bytes).graph;
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tensorOf(v.dims, Float64Array.from(v.data))]));
    const out = runGraph(g, inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { data: Float32Array.from(v.data), dims: v.dims }]));
  },
};

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dlm-ort-"));
  const pkg = join(dir, "node_modules", "onnxruntime-node");
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, "package.json"), JSON.stringify({ name: "onnxruntime-node", version: "9.9.9", main: "index.js" }));
  await writeFile(join(pkg, "index.js"), FAKE);
  (globalThis as { __fakeOrt?: typeof fake }).__fakeOrt = fake;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("onnxruntime contender", () => {
  it("is not found in an empty directory (and the repo does not depend on it)", async () => {
    const empty = await mkdtemp(join(tmpdir(), "dlm-ort-none-"));
    expect(resolveOnnxruntime({ DLM_ONNXRUNTIME: empty })).toBeUndefined();
    await rm(empty, { recursive: true });
    expect(ONNXRUNTIME_MISSING).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node/);
  });

  it("loads the package DLM_ONNXRUNTIME names, times dlm's export of the MLP, and cannot train", async () => {
    expect(resolveOnnxruntime({ DLM_ONNXRUNTIME: dir })).toBe(join(dir, "node_modules", "onnxruntime-node", "index.js"));
    process.env.DLM_ONNXRUNTIME = dir;
    const { sources, info } = await onnxContenders();
    expect(info).toMatch(/onnxruntime-node 9\.9\.9/);
    expect(sources.map((s) => s.name)).toEqual(["onnxruntime-1t", "onnxruntime-2t"]);
    const mlp = WORKLOADS.find((w) => w.name === "mlp")!;
    const made = await sources[1]!.make(mlp);
    if ("skipped" in made) throw new Error(made.skipped);
    // The check against dlm-ts ran the evaluator once already.
    expect(fake.runs).toBe(1);
    expect(fake.created.at(-1)).toMatchObject({ intraOpNumThreads: 2 });
    expect(made.name).toBe("onnxruntime-2t");
    expect(made.predictBatch).toBe(256);
    await made.predict();
    expect(fake.runs).toBe(2);
    expect(() => made.trainStep()).toThrow(/inference only/);
    made.dispose?.();
  });
});
