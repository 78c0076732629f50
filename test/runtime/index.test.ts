// The package entries export what generated code imports by name (dlm/runtime/core: platform-neutral;
// dlm/runtime/node: files; dlm/runtime: both), and runtime/ imports nothing from the compiler or grammar
// (it must stay usable on its own). The import graph of core is checked in test/emit/browser-imports.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as rt from "../../runtime/index.js";
import * as core from "../../runtime/core.js";
import * as node from "../../runtime/node.js";

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

  it("dlm/runtime is exactly core and node, which share no name", () => {
    const c = Object.keys(core);
    const n = Object.keys(node);
    expect(c.filter((k) => n.includes(k))).toEqual([]);
    expect(Object.keys(rt).sort()).toEqual([...c, ...n].sort());
  });

  it("core has what generated modules import; the file functions are in node only", () => {
    const neutral = [
      "serializeSafetensors", "parseSafetensors", "CheckpointError", "Dataset", "Batcher", "CharVocab", "createRng", "createAggregator",
      "checkInput", "copyInput", "TrainingError", "sampleLogits", "vocabFromMetadata", "parseCsv", "matmul", "erf",
    ];
    const exported = core as unknown as Record<string, unknown>;
    expect(neutral.filter((k) => typeof exported[k] !== "function")).toEqual([]);
    expect([core.START, core.END, core.UNKNOWN]).toEqual([1, 2, 3]);
    const files = ["saveCheckpoint", "loadCheckpoint", "writeCheckpointFile", "readCheckpointFile", "loadMnist", "readIdx", "loadCsv", "readText", "ProgressReporter", "writePng", "readCheckpointVocab"];
    expect(files.filter((k) => k in core)).toEqual([]);
    expect(files.filter((k) => typeof (node as unknown as Record<string, unknown>)[k] !== "function")).toEqual([]);
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
