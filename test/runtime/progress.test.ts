// ProgressReporter with fake streams and a fake clock: throttling, line format, modes, colour rules.

import { describe, expect, it } from "vitest";
import type { ProgressOptions } from "../../runtime/progress.js";
import { ProgressReporter, formatDuration, formatValue, useColor } from "../../runtime/progress.js";

class FakeStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

function setup(mode: ProgressOptions["mode"], tty: boolean, env: Record<string, string> = {}) {
  const err = new FakeStream(tty, 200);
  const out = new FakeStream(false);
  let clock = 0;
  const p = new ProgressReporter({ epochs: 10, stepsPerEpoch: 1250, batchSize: 64, mode, stderr: err, stdout: out, now: () => clock, env });
  return { p, err, out, advance: (ms: number) => (clock += ms) };
}

describe("ProgressReporter", () => {
  it("draws the live line on a TTY at most every 100 ms, then a summary per epoch", () => {
    const { p, err, advance } = setup("auto", true, { NO_COLOR: "1" });
    p.startEpoch(2);
    advance(50);
    p.step(1, 0.9);
    const afterFirst = err.text;
    expect(afterFirst).toContain("\r\x1b[2K");
    advance(30);
    p.step(2, 0.8); // 30 ms later: skipped
    expect(err.text).toBe(afterFirst);
    advance(17_600);
    p.step(340, 0.23141);
    // 340 steps in 17.68 s → 19.23 steps/s → 1,231 samples/s; remaining 8·1250 + 910 steps → 567 s
    expect(err.text.endsWith("epoch 2/10  step 340/1250  loss 0.2314  1,231 samples/s  ETA 9:27")).toBe(true);
    p.endEpoch({ loss: 0.2, metrics: { accuracy: 0.98126, val_loss: 0.25 } });
    expect(err.text).toMatch(/\r\x1b\[2Kepoch 2\/10  loss 0\.2000  accuracy 0\.9813  val_loss 0\.2500  \d+\.\ds  [\d,]+ samples\/s\n$/);
    expect(err.text.replaceAll("\r\x1b[2K", "")).not.toContain("\x1b"); // NO_COLOR: no styles
  });

  it("prints only summaries when stderr is not a TTY", () => {
    const { p, err } = setup("auto", false);
    p.startEpoch(1);
    for (let s = 1; s <= 1250; s++) p.step(s, 1);
    p.endEpoch({ loss: 0.5 });
    p.log("early stop");
    p.finish();
    expect(err.text.split("\n")).toEqual([expect.stringMatching(/^epoch 1\/10  loss 0\.5000  /), "early stop", expect.stringMatching(/^done in 0:00$/), ""]);
    expect(err.text).not.toContain("\r");
  });

  it("writes JSON lines on stdout in json mode and nothing on stderr", () => {
    const { p, err, out, advance } = setup("json", true);
    p.startEpoch(1);
    advance(1000);
    p.step(10, 0.75);
    p.step(11, 0.7); // throttled
    advance(1000);
    p.endEpoch({ loss: 0.7, metrics: { accuracy: 0.5 } });
    p.finish();
    const events = out.text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(["step", "epoch", "done"]);
    expect(events[0]).toMatchObject({ epoch: 1, step: 10, steps: 1250, loss: 0.75, samples_per_s: 640 });
    expect(events[1]).toMatchObject({ epoch: 1, loss: 0.7, accuracy: 0.5, seconds: 2 });
    expect(err.text).toBe("");
  });

  it("colours only when allowed", () => {
    const tty = new FakeStream(true);
    const pipe = new FakeStream(false);
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(pipe, {})).toBe(false);
    expect(useColor(tty, { NO_COLOR: "1" })).toBe(false);
    expect(useColor(tty, { TERM: "dumb" })).toBe(false);
    expect(useColor(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(useColor(tty, { FORCE_COLOR: "0" })).toBe(false);
    const { p, err } = setup("plain", false, { FORCE_COLOR: "1" });
    p.startEpoch(1);
    p.endEpoch({ loss: 1 });
    expect(err.text).toContain("\x1b[1mepoch 1/10\x1b[22m");
    const live = setup("tty", true);
    live.p.startEpoch(1);
    live.p.step(1, 1);
    expect(live.err.text).toContain("\x1b[2mepoch 1/10  step 1/1250");
  });

  it("truncates the live line to the terminal width", () => {
    const err = new FakeStream(true, 20);
    const p = new ProgressReporter({ epochs: 1, stepsPerEpoch: 10, batchSize: 1, mode: "tty", stderr: err, now: () => 1, env: { NO_COLOR: "1" } });
    p.startEpoch(1);
    p.step(1, 1);
    expect(err.text).toBe("\r\x1b[2K" + "epoch 1/1  step 1/10".slice(0, 19));
  });
});

describe("formatting", () => {
  it("formats durations and values", () => {
    expect(formatDuration(42)).toBe("0:42");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(NaN)).toBe("--:--");
    expect(formatValue(0.23141)).toBe("0.2314");
    expect(formatValue(1.5e-5)).toBe("1.500e-5");
    expect(formatValue(NaN)).toBe("NaN");
  });
});
