// Every example's predict graph exports, with the batch axis symbolic: the inputs and outputs say "B"
// where the model's signature has B, and nothing else is symbolic. (Numbers: export.test.ts.)

import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exportOnnx, initialWeights } from "../../compiler/emit/onnx/index.js";
import { lowerExample } from "../emit/examples.js";
import { decodeModel } from "./decode.js";

const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".dlm")).map((f) => f.slice(0, -4)).sort();

describe("ONNX export of every example", () => {
  it.each(examples)("%s", (name) => {
    const [a, b] = [lowerExample(name, 2).program, lowerExample(name, 3).program];
    expect(a.models.length).toBeGreaterThan(0);
    for (const m of a.models) {
      const out = exportOnnx(m, { weights: initialWeights(m), other: b.models.find((x) => x.name === m.name)! });
      expect(out.fixedBecause).toBeUndefined();
      const g = decodeModel(out.bytes).graph;
      const specs = [...m.inputs, ...m.outputs];
      for (const v of [...g.inputs, ...g.outputs]) {
        const spec = specs.find((s) => s.name === v.name)!;
        // Lowered at batch 2: the leading 2 is the batch, every other dim is fixed.
        expect(v.shape).toEqual(spec.shape.map((d, i) => (i === 0 && d === 2 ? "B" : d)));
      }
    }
  });
});
