// The timing loop of the comparison benchmark, driven by a fake clock: warm-up calls are not counted,
// each window runs until its time is up, samples/s is calls × batch / elapsed, the figure is the median,
// and a contender slower than a window per call gets a single one-call window unless told otherwise.

import { describe, expect, it } from "vitest";
import { measure, median, reasonOf } from "../../bench/compare/protocol.js";

/** A fake clock and a function that advances it by the next duration of `durations` (cycled) per call. */
function fake(durations: readonly number[]) {
  let now = 0;
  let calls = 0;
  return {
    clock: () => now,
    fn: () => {
      now += durations[calls % durations.length]!;
      calls++;
    },
    calls: () => calls,
  };
}

describe("median", () => {
  it("takes the middle of an odd count and the mean of the two middles of an even one", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([7])).toBe(7);
  });
  it("does not reorder its input and refuses an empty list", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
    expect(() => median([])).toThrow();
  });
});

describe("measure", () => {
  it("counts calls per window until the window is over, and converts to samples/s", async () => {
    const f = fake([30]);
    const m = await measure(f.fn, { windowSeconds: 1, windows: 3, warmup: 2, batch: 64, clock: f.clock });
    // 1000 ms / 30 ms → the 34th call is the first to end at or past 1000 ms (at 1020 ms).
    const perWindow = (34 * 64 * 1000) / (34 * 30);
    expect(m.calls).toEqual([34, 34, 34]);
    expect(m.windows).toEqual([perWindow, perWindow, perWindow]);
    expect(m.median).toBe(perWindow);
    expect(m.shortened).toBe(false);
    expect(f.calls()).toBe(2 + 3 * 34);
  });

  it("reports the median window, not the mean", async () => {
    // One 10 ms warm-up call, then one call per window (each lasts at least the window): 8, 2, 4 samples/s.
    const f = fake([10, 1000, 4000, 2000]);
    const m = await measure(f.fn, { windowSeconds: 1, windows: 3, warmup: 1, batch: 8, clock: f.clock, shorten: false });
    expect(m.calls).toEqual([1, 1, 1]);
    expect(m.windows).toEqual([8, 2, 4]);
    expect(m.median).toBe(4);
  });

  it("stops the warm-up early once it has lasted a window", async () => {
    const f = fake([400]);
    let atWarmedUp = -1;
    await measure(f.fn, { windowSeconds: 1, windows: 1, warmup: 10, clock: f.clock, onWarmedUp: () => (atWarmedUp = f.calls()) });
    expect(atWarmedUp).toBe(3); // 400, 800, 1200 ms: stops after the third call
  });

  it("measures a single one-call window when one call outlasts a window", async () => {
    const f = fake([1500]);
    const m = await measure(f.fn, { windowSeconds: 1, windows: 3, warmup: 3, batch: 64, clock: f.clock });
    expect(m.shortened).toBe(true);
    expect(m.calls).toEqual([1]);
    expect(m.median).toBeCloseTo((64 * 1000) / 1500, 12);
    expect(f.calls()).toBe(2); // one warm-up call, one measured call
  });

  it("keeps every window when shortening is off (the full protocol)", async () => {
    const f = fake([1500]);
    const m = await measure(f.fn, { windowSeconds: 1, windows: 3, warmup: 3, batch: 64, clock: f.clock, shorten: false });
    expect(m.shortened).toBe(false);
    expect(m.calls).toEqual([1, 1, 1]);
  });

  it("awaits asynchronous calls", async () => {
    let now = 0;
    let done = 0;
    const fn = async () => {
      await Promise.resolve();
      now += 250;
      done++;
    };
    const m = await measure(fn, { windowSeconds: 1, windows: 1, warmup: 1, batch: 1, clock: () => now });
    expect(done).toBe(1 + 4);
    expect(m.windows).toEqual([4]);
  });

  it("rejects a non-positive window or no windows", async () => {
    const f = fake([1]);
    await expect(measure(f.fn, { windowSeconds: 0, windows: 3, warmup: 1, clock: f.clock })).rejects.toThrow();
    await expect(measure(f.fn, { windowSeconds: 1, windows: 0, warmup: 1, clock: f.clock })).rejects.toThrow();
  });
});

describe("reasonOf", () => {
  it("keeps the first non-empty line of an error, shortened", () => {
    expect(reasonOf(new Error("\nKernel 'Conv2DBackpropFilter' not registered\nstack"))).toBe("Kernel 'Conv2DBackpropFilter' not registered");
    expect(reasonOf("x".repeat(50), 10)).toBe("x".repeat(9) + "…");
  });
});
