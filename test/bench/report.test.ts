// The comparison report: number and ratio formatting, the table with its footnotes, and the ratio lines
// of dlm contenders against the others, from hand-made results (nothing is timed here).

import { describe, expect, it } from "vitest";
import type { Result } from "../../bench/compare/protocol.js";
import { contenderColumns, formatRate, formatRatio, mergeRounds, ratio, ratioLines, renderReport, resultsTable } from "../../bench/compare/report.js";

function row(contender: string, workload: "mlp" | "cnn", phase: "train" | "infer", samplesPerSecond?: number, extra: Partial<Result> = {}): Result {
  return {
    workload,
    phase,
    contender,
    windows: samplesPerSecond === undefined ? [] : [samplesPerSecond],
    ...(samplesPerSecond === undefined ? {} : { samplesPerSecond }),
    ...extra,
  };
}

describe("formatting", () => {
  it("prints rates with separators, one decimal below 10, significant digits below 1", () => {
    expect(formatRate(43112.4)).toBe("43,112");
    expect(formatRate(423.4)).toBe("423");
    expect(formatRate(1.44)).toBe("1.4");
    expect(formatRate(0.0123)).toBe("0.0123");
  });
  it("prints ratios with two significant digits", () => {
    expect(formatRatio(3.2345)).toBe("3.2×");
    expect(formatRatio(17.4)).toBe("17×");
    expect(formatRatio(0.4512)).toBe("0.45×");
    expect(formatRatio(1234.5)).toBe("1,235×");
    expect(formatRatio(Number.NaN)).toBe("—");
  });
  it("divides only figures that exist", () => {
    expect(ratio(row("a", "mlp", "train", 300), row("b", "mlp", "train", 100))).toBe(3);
    expect(ratio(row("a", "mlp", "train", 300), row("b", "mlp", "train"))).toBeUndefined();
    expect(ratio(undefined, row("b", "mlp", "train", 100))).toBeUndefined();
  });
});

describe("table", () => {
  const results: Result[] = [
    row("tfjs-wasm", "mlp", "train", 2553),
    row("tfjs-wasm", "cnn", "train", undefined, { note: "cannot train (Kernel 'Conv2DBackpropFilter' not registered)" }),
    row("tfjs-cpu", "cnn", "train", 1.4, { shortened: true }),
    row("dlm-ts", "mlp", "train", 5106),
  ];

  it("puts dlm columns first, then the others in measured order", () => {
    expect(contenderColumns(results)).toEqual(["dlm-ts", "tfjs-wasm", "tfjs-cpu"]);
  });

  it("shows figures, short notes with footnotes, and marks shortened windows", () => {
    const lines = resultsTable(results);
    expect(lines[0]).toMatch(/^\| workload +\| +dlm-ts \| +tfjs-wasm \| +tfjs-cpu \|$/);
    const mlp = lines.find((l) => l.startsWith("| MLP train"))!;
    expect(mlp).toContain("5,106");
    expect(mlp).toContain("2,553");
    const cnn = lines.find((l) => l.startsWith("| CNN train"))!;
    expect(cnn).toContain("cannot train [1]");
    expect(cnn).toContain("1.4*");
    expect(lines).toContain("[1] tfjs-wasm CNN train: cannot train (Kernel 'Conv2DBackpropFilter' not registered)");
    expect(lines.some((l) => l.startsWith("* one call outlasts a window"))).toBe(true);
    // Every table line has the same width.
    const tableLines = lines.filter((l) => l.startsWith("|"));
    expect(new Set(tableLines.map((l) => l.length)).size).toBe(1);
  });
});

describe("ratios", () => {
  it("says dlm is not wired when no dlm contender ran", () => {
    expect(ratioLines([row("tfjs-wasm", "mlp", "train", 2553)])).toEqual(["dlm: not wired yet"]);
  });

  it("divides dlm by every other contender that has a figure", () => {
    const lines = ratioLines([
      row("dlm-ts", "mlp", "train", 3200),
      row("tfjs-wasm", "mlp", "train", 1000),
      row("tfjs-cpu", "mlp", "train", 400),
      row("pytorch-1t", "mlp", "train", 64000),
      row("dlm-ts", "cnn", "train", 100),
      row("tfjs-wasm", "cnn", "train", undefined, { note: "cannot train (x)" }),
    ]);
    expect(lines).toContain("  MLP train: dlm-ts/tfjs-wasm 3.2×, dlm-ts/tfjs-cpu 8×, dlm-ts/pytorch-1t 0.05×");
    expect(lines.find((l) => l.includes("CNN train"))).toBeUndefined();
  });

  it("says when dlm itself could not run a phase", () => {
    const lines = ratioLines([row("dlm-wasm", "cnn", "infer", undefined, { note: "cannot predict (boom)" }), row("tfjs-cpu", "cnn", "infer", 86)]);
    expect(lines).toContain("  CNN infer: dlm-wasm cannot predict (boom)");
  });

  it("renders header, table, info and ratios in order", () => {
    const text = renderReport({ windowSeconds: 3, windows: 3, warmup: 3, long: false }, [row("tfjs-cpu", "mlp", "infer", 1341)], ["PyTorch: skipped (x)"]);
    const lines = text.split("\n");
    expect(lines[0]).toContain("median of 3 windows of 3 s");
    expect(lines[0]).toContain("--long");
    expect(lines.indexOf("PyTorch: skipped (x)")).toBeLessThan(lines.indexOf("dlm: not wired yet"));
  });
});

describe("mergeRounds", () => {
  it("takes the median of the rounds' figures per cell and keeps every window", () => {
    const merged = mergeRounds([
      [row("dlm-ts", "mlp", "train", 100), row("tfjs-wasm", "mlp", "train", 10)],
      [row("tfjs-wasm", "mlp", "train", 30), row("dlm-ts", "mlp", "train", 400)],
      [row("dlm-ts", "mlp", "train", 200), row("tfjs-wasm", "mlp", "train", 20, { shortened: true })],
    ]);
    expect(merged).toHaveLength(2);
    const dlm = merged.find((r) => r.contender === "dlm-ts")!;
    expect(dlm.samplesPerSecond).toBe(200);
    expect(dlm.windows).toEqual([100, 400, 200]);
    expect(dlm.shortened).toBeUndefined();
    const tf = merged.find((r) => r.contender === "tfjs-wasm")!;
    expect(tf.samplesPerSecond).toBe(20);
    expect(tf.shortened).toBe(true);
  });

  it("keeps a cell without figures as its note, and one round unchanged", () => {
    const failing = row("tfjs-wasm", "cnn", "train", undefined, { note: "cannot train (x)" });
    expect(mergeRounds([[failing], [failing]])).toEqual([{ workload: "cnn", phase: "train", contender: "tfjs-wasm", windows: [], note: "cannot train (x)" }]);
    const single = row("dlm-ts", "mlp", "infer", 5);
    expect(mergeRounds([[single]])).toEqual([single]);
  });

  it("says how many rounds the header's figures are the median of", () => {
    const text = renderReport({ windowSeconds: 3, windows: 3, warmup: 3, long: false, rounds: 3 }, [], []);
    expect(text.split("\n")[0]).toContain("median over 3 rounds");
  });
});
