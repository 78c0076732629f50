// The package entry exports what generated code imports by name, and runtime/ imports nothing from the
// compiler or grammar (it must stay usable on its own).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as rt from "../../runtime/index.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("dlm/runtime entry", () => {
  it("exports the kernels and helpers by name", () => {
    const names = [
      "matmul", "batchMatmul", "conv2d", "conv2dBackwardInput", "conv2dBackwardWeight", "conv2dGeometry", "conv2dScratchSize",
      "maxPool2d", "maxPool2dBackward", "avgPool2d", "avgPool2dBackward", "pool2dGeometry", "upsampleNearest2d",
      "upsampleNearest2dBackward", "softmax", "softmaxBackward", "logSoftmax", "logSoftmaxBackward", "reduceSum", "reduceMax",
      "reduceMean", "transpose", "gatherRows", "scatterAddRows", "takeAlongLastAxis", "scatterAlongLastAxis", "copyStrided",
      "fill", "copy", "erf", "sigmoid", "softplus", "createRng", "saveCheckpoint", "loadCheckpoint", "ProgressReporter",
      "loadMnist", "readIdx", "loadCsv", "Dataset", "Batcher", "carve", "copyInput",
    ];
    const exported = rt as unknown as Record<string, unknown>;
    expect(names.filter((n) => typeof exported[n] !== "function")).toEqual([]);
  });

  it("imports nothing from grammar/ or compiler/, and no reference kernel", () => {
    const root = join(import.meta.dirname, "../../runtime");
    const offenders = files(root).filter((f) => {
      if (f.includes(`${join("kernels", "reference")}`)) return false;
      const src = readFileSync(f, "utf8");
      return /from\s+["'][^"']*(grammar|compiler)\//.test(src) || /from\s+["'][^"']*reference\//.test(src);
    });
    expect(offenders).toEqual([]);
  });
});
