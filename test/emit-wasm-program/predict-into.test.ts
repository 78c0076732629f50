// predict(inputs, into): both targets write the outputs into the caller's arrays and return them, with
// the same values as a plain predict(inputs), and allocate nothing doing so (the counting technique of
// zero-alloc.test.ts); arrays too small for the examples are a RangeError naming the output.

import { afterEach, describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { loadBoth, randomBatch } from "./helpers.js";
import { countAllocations, noAllocations, restoreAllocations } from "../support/count-allocations.js";

afterEach(restoreAllocations);

type Outputs = Record<string, Float32Array>;
interface Predictor {
  predict(inputs: Record<string, Float32Array | Int32Array>, into?: Outputs): Outputs;
}

describe("predict into caller arrays", () => {
  it("same values, the same object back, nothing allocated (TS and Wasm targets)", async () => {
    const { program } = lowerExample("cnn", 4);
    const model = program.models[0]!;
    const both = await loadBoth(program, model.name);
    const data = randomBatch(model, 7);
    // 10 examples: two full chunks of 4 and a padded one
    const image = new Float32Array(10 * (data.image!.length / 4)).map((_, i) => Math.sin(i));
    for (const [target, Cls] of Object.entries(both)) {
      const m = (await Cls.create({ seed: 2 })) as unknown as Predictor;
      const plain = m.predict({ image });
      const into: Outputs = { logits: new Float32Array(plain.logits!.length + 3).fill(-1) };
      expect(m.predict({ image }, into), target).toBe(into);
      expect(into.logits!.subarray(0, plain.logits!.length), target).toEqual(plain.logits);
      expect(Array.from(into.logits!.subarray(plain.logits!.length)), `${target}: past the examples`).toEqual([-1, -1, -1]);
      const counts = countAllocations();
      // made under the counting constructors: the generated input check is an instanceof of the global
      const counted = new Float32Array(image);
      counts["Float32Array"] = 0;
      for (let i = 0; i < 20; i++) m.predict({ image: counted }, into);
      expect(counts, target).toEqual(noAllocations());
      restoreAllocations();
      expect(() => m.predict({ image }, { logits: new Float32Array(99) }), target).toThrow(/predict: into\.logits has 99 values, 10 per example are needed for 10 examples/);
    }
  }, 120_000);
});
