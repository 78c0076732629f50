// A bad index in a natively run indexing op (Embedding's gather, cross-entropy's label pick) stops the
// Wasm step with the TS target's RangeError: the kernel reports the position and the node's TS code
// runs as a thunk to throw (index-ops.ts). Correct indices never leave Wasm (the numeric tests).

import { describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { loadBoth, randomBatch } from "./helpers.js";

describe("wasm indexing ops: bad indices", () => {
  it("throw the TS target's RangeError from predict and trainStep", async () => {
    const { program } = lowerExample("char-rnn", 2);
    const model = program.models[0]!;
    const { ts, wasm } = await loadBoth(program, model.name);
    const [a, b] = [await ts.create({ seed: 1 }), await wasm.create({ seed: 1 })];
    const data = randomBatch(model, 3);
    const tokens = data.tokens as Int32Array;
    const message = (run: () => unknown): string => {
      try {
        run();
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        return (e as Error).message;
      }
      return "no error";
    };
    // a token the vocabulary does not have (gather)
    tokens[3] = 96;
    const wasmPredict = message(() => b.predict({ tokens }));
    expect(wasmPredict).toMatch(/index 96 at position 3/);
    expect(wasmPredict).toBe(message(() => a.predict({ tokens })));
    tokens[3] = 1;
    // a target outside the classes (take_along_axis of the loss)
    const targets = data.targets as Int32Array;
    targets[5] = -7;
    const wasmTrain = message(() => b.trainStep(data));
    expect(wasmTrain).toMatch(/-7/);
    expect(wasmTrain).toBe(message(() => a.trainStep(data)));
    // and a good batch still trains afterwards
    targets[5] = 0;
    expect(Number.isFinite(b.trainStep(data).loss)).toBe(true);
  }, 120_000);
});
