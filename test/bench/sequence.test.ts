// The sequence workloads of the comparison: dlm's two language models have the parameter counts computed
// by hand from the protocol (PyTorch layouts: an LSTM has two bias vectors), start at a loss of about
// ln 96 on random targets, and the report prints their rows and ratios.

import { describe, expect, it } from "vitest";
import { randomTokens, sequenceClass } from "../../bench/compare/dlm-sequence.js";
import { WORKLOADS } from "../../bench/compare/protocol.js";
import { renderReport } from "../../bench/compare/report.js";

const dense = (i: number, o: number) => i * o + o;
const lstm = (i: number, h: number) => 4 * h * (i + h) + 8 * h;
const norm = (d: number) => 2 * d;
const EXPECTED = {
  lstm: 96 * 64 + lstm(64, 128) + dense(128, 96),
  transformer: 96 * 128 + 64 * 128 + norm(128) + 4 * dense(128, 128) + norm(128) + dense(128, 512) + dense(512, 128) + norm(128) + dense(128, 96),
};
const workload = (name: "lstm" | "transformer") => WORKLOADS.find((w) => w.name === name)!;

describe("sequence workloads", () => {
  it.each(["lstm", "transformer"] as const)("dlm %s has the protocol's parameter count and starts near ln 96", async (name) => {
    const cls = await sequenceClass(workload(name));
    expect(cls.batch).toBe(32);
    const model = await cls.create({ seed: 1 });
    const count = Object.values(model.parameters()).reduce((n, p) => n + p.length, 0);
    expect(count).toBe(EXPECTED[name]);
    const loss = model.trainStep({ tokens: randomTokens(32 * 64, 1), targets: randomTokens(32 * 64, 2) }).loss;
    expect(Math.abs(loss - Math.log(96))).toBeLessThan(0.5);
  }, 120_000);

  it("the report has their rows and ratios", () => {
    const r = (contender: string, w: "lstm" | "transformer", samplesPerSecond: number) => ({ workload: w, phase: "train" as const, contender, samplesPerSecond, windows: [samplesPerSecond] });
    const text = renderReport({ windowSeconds: 1, windows: 1, warmup: 1, long: false }, [r("dlm-wasm", "lstm", 200), r("tfjs-cpu", "lstm", 4), r("dlm-wasm", "transformer", 100), r("tfjs-cpu", "transformer", 2)], []);
    expect(text).toMatch(/\| char LSTM train +\| +200 \| +4\.0 \|/);
    expect(text).toMatch(/char LSTM train: dlm-wasm\/tfjs-cpu 50×/);
    expect(text).toMatch(/Transformer train: dlm-wasm\/tfjs-cpu 50×/);
  });
});
