// A table-driven harness for pass tests: each case builds a small graph, runs one pass, and is checked
// three ways — the IR verifier, a golden of the graph before and after (test/passes/__snapshots__), and
// the float64 reference evaluator giving the same outputs before and after on random values.

import { expect } from "vitest";
import type { Builder } from "../../compiler/ir/builder.js";
import { Builder as B } from "../../compiler/ir/builder.js";
import type { Graph } from "../../compiler/ir/graph.js";
import { printGraph } from "../../compiler/ir/print.js";
import { verify } from "../../compiler/ir/verify.js";
import type { Pass, PassContext } from "../../compiler/passes/pass.js";
import { asStep, beforeAfter, expectSameValues } from "./helpers.js";

export interface PassCase {
  name: string;
  /** Builds the graph (with outputs) on a fresh builder. */
  build(b: Builder): void;
  /** Extra checks on the result. */
  check?(after: Graph, before: Graph): void;
  /** Upper bound for i32 input values (default 3). */
  intMax?: number;
}

export function build(c: PassCase): Graph {
  const b = new B();
  c.build(b);
  expect(verify(b.graph)).toEqual([]);
  return b.graph;
}

export async function runCase(c: PassCase, pass: Pass, ctx: PassContext = { afterAutodiff: true }): Promise<Graph> {
  const before = build(c);
  const text = printGraph(before);
  const after = pass.run(before, ctx);
  expect(printGraph(before), "the pass must not mutate its input").toBe(text);
  expect(verify(after)).toEqual([]);
  expectSameValues(asStep(before), asStep(after), [1, 2], c.intMax ?? 3);
  c.check?.(after, before);
  await expect(beforeAfter(before, after, pass.name)).toMatchFileSnapshot(`__snapshots__/${pass.name}/${c.name}.ir.txt`);
  return after;
}

/** Ops of the nodes the outputs need, in order (ignores dead nodes a pass leaves for dce). */
export function liveOps(g: Graph): string[] {
  const seen = g.nodes.map(() => false);
  const stack = g.outputs.map((o) => o.node);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = true;
    stack.push(...g.nodes[id]!.inputs);
  }
  return g.nodes.filter((n) => seen[n.id] && n.op !== "input" && n.op !== "param").map((n) => n.op);
}
