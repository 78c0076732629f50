// Shared test helpers: source → checked program → lowered graphs, seeded values, float64 evaluation.

import { expect } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { elaborate } from "../../compiler/check/index.js";
import type { CheckedProgram } from "../../compiler/check/types.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph, type Graph } from "../../compiler/ir/graph.js";
import { evaluateOutputs, type RefValue } from "../../compiler/ir/reference.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerGraph, lowerProgram, type LowerProgramOptions, type Mode } from "../../compiler/lower/index.js";
import type { ModelProgram, StepGraph } from "../../compiler/program/types.js";

export function checkSource(text: string, file = "test.dlm"): CheckedProgram {
  const fe = frontEnd(text, file);
  const errors = fe.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return fe.checked;
}

export function programOf(text: string, options: LowerProgramOptions = {}): ModelProgram {
  const r = lowerProgram(checkSource(text), "test.dlm", options);
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const m = r.program.models[0]!;
  for (const s of [m.predict, m.evaluate, m.train]) if (s) expect(verify(s.graph)).toEqual([]);
  return m;
}

/** Lowers model `name` of the source on its own (elaborated at the given dims) in the given mode. */
export function modelGraph(text: string, name: string, dims: Record<string, number>, mode: Mode = "eval"): Graph {
  const checked = checkSource(text);
  const el = elaborate(checked, name, {}, dims);
  expect(el.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const b = new Builder(emptyGraph());
  const res = lowerGraph(el.model!, mode, b);
  expect(res.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  for (const o of el.model!.outputs) b.output(o.name, res.values.get(o.id)!);
  expect(verify(b.graph)).toEqual([]);
  return b.graph;
}

/** Deterministic pseudo-random numbers in [lo, hi) (a small LCG; tests need repeatability, not quality). */
export function seeded(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0 || 1;
  return (lo = -1, hi = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 16777216) * (hi - lo);
  };
}

export function randomArray(n: number, rand: () => number): number[] {
  return Array.from({ length: n }, () => rand());
}

/** Random values for every param of a graph (by name), with the node's size. */
export function randomParams(g: Graph, rand: (lo?: number, hi?: number) => number, scale = 0.5): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const p of g.params) {
    const n = g.nodes[p.node]!.shape.reduce((a, d) => a * d, 1);
    out[p.name] = Array.from({ length: n }, () => rand(-scale, scale));
  }
  return out;
}

export function run(g: Graph, inputs: Record<string, RefValue>, params: Record<string, RefValue> = {}): Record<string, number[]> {
  const outs = evaluateOutputs(g, inputs, params);
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, Array.from(v.data)]));
}

/** Runs a step graph and returns its named outputs and the values of its state updates. */
export function runStep(s: StepGraph, inputs: Record<string, RefValue>, state: Record<string, RefValue>): { outputs: Record<string, number[]>; updates: Record<string, number[]> } {
  const g: Graph = { ...s.graph, outputs: [...s.graph.outputs, ...s.updates.map((u) => ({ name: `update:${u.state}`, node: u.node }))] };
  const all = run(g, inputs, state);
  const outputs: Record<string, number[]> = {};
  const updates: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith("update:")) updates[k.slice(7)] = v;
    else outputs[k] = v;
  }
  return { outputs, updates };
}

export function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  });
  if (!(worst <= tol)) expect.fail(`element ${at}: ${actual[at]} vs ${expected[at]} (relative error ${worst} > ${tol})`);
}

/** Only output `name` of a step graph (evaluates just what it needs: no backward, no updates). */
export function outputOnly(s: StepGraph, name: string, inputs: Record<string, RefValue>, state: Record<string, RefValue>): number[] {
  const g: Graph = { ...s.graph, outputs: s.graph.outputs.filter((o) => o.name === name) };
  return run(g, inputs, state)[name]!;
}
