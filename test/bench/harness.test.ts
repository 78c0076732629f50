// The comparison harness around the timing loop: command-line options, PyTorch's JSON output, and how a
// contender that throws or leaks becomes a result instead of a crash. Windows are a few milliseconds
// long; no figure is asserted, only what the harness makes of each outcome.

import { describe, expect, it } from "vitest";
import { benchCompare, machineLine, parseCompareArgs } from "../../bench/compare/index.js";
import type { Contender, ContenderSource } from "../../bench/compare/protocol.js";
import { WORKLOADS } from "../../bench/compare/protocol.js";
import { parseTorchOutput } from "../../bench/compare/pytorch.js";
import { runContender } from "../../bench/compare/run-contender.js";

const mlp = WORKLOADS.find((w) => w.name === "mlp")!;
const quick = { windowSeconds: 0.005, windows: 3, warmup: 1, shorten: true };

describe("parseCompareArgs", () => {
  it("defaults to every built-in contender and leaves the window to benchCompare", () => {
    const o = parseCompareArgs([]);
    expect(o.builtIn).toEqual(["dlm-ts", "dlm-wasm", "tfjs-cpu", "tfjs-wasm", "pytorch", "onnx"]);
    expect(o.long).toBe(false);
    expect(o.windowSeconds).toBeUndefined();
  });
  it("reads windows, workloads, --only and --skip", () => {
    const o = parseCompareArgs(["--long", "--window", "0.5", "--windows", "5", "--workloads", "cnn", "--only", "tfjs-wasm,pytorch", "--skip", "pytorch", "--rounds", "2"]);
    expect(o).toMatchObject({ long: true, windowSeconds: 0.5, windows: 5, workloads: ["cnn"], builtIn: ["tfjs-wasm"], rounds: 2 });
  });
  it("rejects bad values and unknown names", () => {
    expect(() => parseCompareArgs(["--window", "0"])).toThrow(/--window/);
    expect(() => parseCompareArgs(["--windows", "2.5"])).toThrow(/integer/);
    expect(() => parseCompareArgs(["--only", "tfjs-node"])).toThrow(/unknown 'tfjs-node'/);
    expect(() => parseCompareArgs(["--workloads", "gru"])).toThrow(/unknown 'gru'/);
    expect(() => parseCompareArgs(["--fast"])).toThrow();
  });
});

describe("parseTorchOutput", () => {
  const good = {
    torch: "1.13.0",
    threads: 1,
    blas: "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
    results: [{ workload: "mlp", phase: "train", median: 43112, windows: [43000, 43112, 44000], shortened: false }],
  };
  it("turns the last line's JSON into rows named after the thread count", () => {
    const run = parseTorchOutput("some noise\n" + JSON.stringify(good) + "\n", "pytorch-1t");
    expect(run.results).toEqual([
      { workload: "mlp", phase: "train", contender: "pytorch-1t", samplesPerSecond: 43112, windows: [43000, 43112, 44000], shortened: false },
    ]);
    expect(run.info).toBe("PyTorch 1.13.0, 1 thread, BLAS /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");
  });
  it("rejects output that is not the expected JSON", () => {
    expect(() => parseTorchOutput("Traceback …", "pytorch-1t")).toThrow();
    expect(() => parseTorchOutput(JSON.stringify({ results: [{ workload: "gru", phase: "train", median: 1, windows: [1] }] }), "p")).toThrow(/bad result/);
    expect(() => parseTorchOutput(JSON.stringify({ results: [{ workload: "mlp", phase: "train", median: "fast", windows: [] }] }), "p")).toThrow(/bad figures/);
  });
});

function contender(overrides: Partial<Contender>): Contender {
  return { name: "dlm-ts", batch: 64, trainStep() {}, predict() {}, ...overrides };
}

describe("runContender", () => {
  it("reports a phase that throws as 'cannot …' and still measures the other one", async () => {
    let disposed = 0;
    const c = contender({
      trainStep() {
        throw new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'\n    at stack");
      },
      dispose: () => disposed++,
    });
    const [train, infer] = await runContender(c, mlp, quick, () => {});
    expect(train).toMatchObject({ phase: "train", note: "cannot train (Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm')", windows: [] });
    expect(train!.samplesPerSecond).toBeUndefined();
    expect(infer!.phase).toBe("infer");
    expect(infer!.samplesPerSecond).toBeGreaterThan(0);
    expect(infer!.windows).toHaveLength(3);
    expect(disposed).toBe(1);
  });

  it("flags live objects that grow during the timed windows, not during the warm-up", async () => {
    let live = 0;
    let calls = 0;
    const c = contender({
      trainStep: () => void (calls++ === 0 ? (live += 100) : live++), // first step: optimizer state
      predict: () => {},
      liveObjects: () => live,
    });
    const [train, infer] = await runContender(c, mlp, quick, () => {});
    expect(train!.note).toMatch(/^live objects grew by \d+ while measuring/);
    expect(infer!.note).toBeUndefined();
  });
});

describe("benchCompare", () => {
  it("measures plugged-in contenders, prints skips, and reports dlm's ratios", async () => {
    const slow: ContenderSource = { name: "other", make: () => contender({ name: "other" }) };
    const ours: ContenderSource = {
      name: "dlm-ts",
      make: (w) => (w.name === "mlp" ? contender({ name: "dlm-ts" }) : { skipped: "no CNN yet" }),
    };
    const text = await benchCompare({ ...quick, builtIn: [], contenders: [ours, slow], progress: () => {} });
    expect(text).toContain("MLP train: dlm-ts/other ");
    expect(text).toMatch(/dlm-ts CNN train: skipped \(no CNN yet\)/);
    expect(text).not.toContain("dlm: not wired yet");
    const json = JSON.parse(await benchCompare({ ...quick, builtIn: [], contenders: [slow], json: true, workloads: ["mlp"], progress: () => {} })) as {
      results: { contender: string }[];
    };
    expect(json.results.map((r) => r.contender)).toEqual(["other", "other"]);
    const twice = JSON.parse(await benchCompare({ ...quick, builtIn: [], contenders: [slow], json: true, workloads: ["mlp"], rounds: 2, progress: () => {} })) as {
      results: { windows: number[] }[];
    };
    expect(twice.results.map((r) => r.windows.length)).toEqual([6, 6]);
  });
});

describe("machineLine", () => {
  it("warns when the load exceeds the cores", () => {
    expect(machineLine(1.2, 0.8, 2)).toBe("machine: 2 cores, load average 1.2 at start, 0.8 at end");
    expect(machineLine(1.2, 13.7, 2)).toMatch(/busier than its cores/);
  });
});
