// Shared helpers of the emitter tests: load a hand-built program as a live module, the float64 reference
// run of a step graph on the same state, and a tolerance check that names the first bad element.

import { expect } from "vitest";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { classNameOf } from "../../compiler/emit/ts/index.js";
import { evaluate } from "../../compiler/ir/reference.js";
import type { ModelProgram, StepGraph } from "../../compiler/program/types.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { compiledOf } from "./programs.js";
import { Project, ts } from "ts-morph";
import { REPO } from "./examples.js";

export interface Metrics {
  loss: number;
  accuracy: number;
}

/** The surface of a generated model class, as the tests use it. */
export interface LoadedModel {
  predict(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array>;
  trainStep(batch: Record<string, Float32Array | Int32Array>): Metrics;
  evaluate(data: Dataset): Metrics;
  fit(data: { train: Dataset; validation?: Dataset }, options?: { epochs?: number; seed?: number }): Promise<{ epochs: unknown[]; bestEpoch: number; stoppedEarly: boolean }>;
  save(path: string, options?: { optimizer?: boolean }): Promise<void>;
  load(path: string): Promise<void>;
  parameters(): Record<string, Float32Array>;
}

export interface ModelClass {
  batch: number;
  arenaBytes: number;
  create(options?: { seed?: number }): Promise<LoadedModel>;
}

export async function loadModel(model: ModelProgram, file: string, options: { fuse?: boolean } = {}): Promise<ModelClass> {
  const mod = await loadCompiled(compiledOf(model, file), options);
  const cls = mod[classNameOf(compiledOf(model, file), model.name)];
  if (typeof cls !== "function") throw new Error(`module has no class ${model.name}`);
  return cls as unknown as ModelClass;
}

/** Snapshot of state tensors in float64. */
export function copyState(params: Record<string, Float32Array>): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Float64Array.from(v)]));
}

/** Runs a step graph in float64: its outputs and its updated state, by name. */
export function referenceStep(step: StepGraph, inputs: Record<string, ArrayLike<number>>, state: Record<string, ArrayLike<number>>):
  { outputs: Record<string, Float64Array>; state: Record<string, Float64Array> } {
  const values = evaluate(step.graph, inputs, state);
  const outputs = Object.fromEntries(step.graph.outputs.map((o) => [o.name, values[o.node]!.data]));
  const next: Record<string, Float64Array> = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, Float64Array.from(v)]));
  for (const u of step.updates) next[u.state] = values[u.node]!.data;
  return { outputs, state: next };
}

/** |a − b| ≤ rel·|b| + abs elementwise, reporting the first element that is not. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-4, abs = 1e-5): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + abs)) {
      expect.fail(`${what}[${i}]: got ${a}, reference ${b} (|diff| ${Math.abs(a - b)})`);
    }
  }
}

/** A seeded, linearly separable classification problem: class = argmax of fixed projections. */
export function separable(count: number, perExample: number, classes: number, seed: number): { x: Float32Array; label: Int32Array } {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const proj = Array.from({ length: classes }, () => Array.from({ length: perExample }, rand));
  const x = new Float32Array(count * perExample);
  const label = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < perExample; j++) x[r * perExample + j] = 2 * rand();
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = 0;
      for (let j = 0; j < perExample; j++) v += proj[c]![j]! * x[r * perExample + j]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    label[r] = best;
  }
  return { x, label };
}

/** Type errors of emitted modules under strict settings, `dlm/runtime` mapped to the runtime source. */
export function typeErrors(files: Record<string, string>): string[] {
  const project = new Project({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      skipLibCheck: true,
      noEmit: true,
      baseUrl: REPO,
      paths: { "dlm/runtime": ["runtime/index.ts"], "dlm/runtime/core": ["runtime/core.ts"], "dlm/runtime/node": ["runtime/node.ts"] },
    },
  });
  const added = Object.entries(files).map(([name, text]) => project.createSourceFile(`${REPO}test/emit/.typecheck/${name}`, text, { overwrite: true }));
  return project.getPreEmitDiagnostics()
    .filter((d) => added.includes(d.getSourceFile()!))
    .map((d) => `${d.getSourceFile()?.getBaseName()}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string, "\n")}`);
}
