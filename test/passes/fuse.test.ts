// fuse (analysis): the groups of small graphs (matmul/conv epilogues, elementwise chains, loss and
// softmax reductions, what must stay apart), the invariants every grouping must satisfy (checked
// independently of fuse.ts on every example program), and the MLP training step's kernel count.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import type { Builder } from "../../compiler/ir/builder.js";
import type { Graph, NodeId } from "../../compiler/ir/graph.js";
import { printGraph } from "../../compiler/ir/print.js";
import { sameShape } from "../../compiler/ir/shapes.js";
import { lowerProgram } from "../../compiler/lower/index.js";
import { analyzeFusion, fuseStep, type KernelGroup } from "../../compiler/passes/fuse.js";
import { optimizeProgram, optimizeStep } from "../../compiler/pipeline.js";
import type { StepGraph } from "../../compiler/program/types.js";
import { build } from "./cases.js";
import { MLP_FULL, mlpTrainStep } from "./helpers.js";

const ANCHORS = new Set(["matmul", "conv2d", "sum", "mean", "max", "softmax", "log_softmax"]);

/** The invariants of a fusion table, checked from scratch. */
function expectValidGroups(g: Graph, roots: readonly NodeId[], groups: readonly KernelGroup[]): void {
  const live = g.nodes.map(() => false);
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live[id]) continue;
    live[id] = true;
    stack.push(...g.nodes[id]!.inputs);
  }
  const computed = g.nodes.filter((n) => live[n.id] && n.inputs.length > 0).map((n) => n.id);
  const seen = groups.flatMap((k) => k.nodes);
  expect([...seen].sort((a, b) => a - b), "a partition of the computed nodes").toEqual(computed);
  const groupOf = new Map<NodeId, number>();
  groups.forEach((k, i) => {
    expect(k.id).toBe(i);
    for (const n of k.nodes) groupOf.set(n, i);
  });
  let lastRoot = -1;
  for (const k of groups) {
    const root = k.nodes[k.nodes.length - 1]!;
    expect(root, "ordered by root").toBeGreaterThan(lastRoot);
    lastRoot = root;
    expect(k.nodes.filter((n) => ANCHORS.has(g.nodes[n]!.op)).length, `group ${k.id}: at most one anchor`).toBeLessThanOrEqual(1);
    if (k.nodes.length === 1) expect(k.kind).toBe("single");
    for (const n of k.nodes.slice(0, -1)) {
      const users = g.nodes.filter((u) => live[u.id] && u.inputs.includes(n));
      expect(users.length, `%${n} is read only inside its group`).toBe(1);
      expect(groupOf.get(users[0]!.id)).toBe(k.id);
      expect(roots.includes(n), `%${n} is a root, it cannot be hidden in a group`).toBe(false);
    }
    // Each group's inputs from other groups come from earlier groups' roots.
    for (const n of k.nodes) {
      for (const i of g.nodes[n]!.inputs) {
        const gi = groupOf.get(i);
        if (gi === undefined || gi === k.id) continue;
        expect(gi).toBeLessThan(k.id);
        expect(groups[gi]!.nodes[groups[gi]!.nodes.length - 1]).toBe(i);
      }
    }
  }
}

function groupsOf(buildGraph: (b: Builder) => void): { g: Graph; groups: KernelGroup[] } {
  const g = build({ name: "fuse", build: buildGraph });
  const text = printGraph(g);
  const groups = analyzeFusion(g);
  expect(printGraph(g), "analysis does not change the graph").toBe(text);
  expectValidGroups(g, g.outputs.map((o) => o.node), groups);
  return { g, groups };
}

const summary = (groups: readonly KernelGroup[], g: Graph) => groups.map((k) => `${k.kind}: ${k.nodes.map((n) => g.nodes[n]!.op).join(" ")}`);

describe("fusion groups", () => {
  it("a dense layer forward is one matmul-epilogue (matmul, bias add, activation)", () => {
    const { g, groups } = groupsOf((b) => {
      const x = b.input("x", [8, 4]);
      const h = b.unary("relu", b.add(b.matmul(x, b.param("w", [5, 4]), { transB: true }), b.param("b", [5])));
      b.output("y", b.unary("tanh", b.add(b.matmul(h, b.param("w2", [3, 5]), { transB: true }), b.param("b2", [3]))));
    });
    expect(summary(groups, g)).toEqual(["matmul-epilogue: matmul add relu", "matmul-epilogue: matmul add tanh"]);
  });

  it("a conv, bias (through reshape + broadcast) and relu form a conv-epilogue; the reshape stays single", () => {
    const { g, groups } = groupsOf((b) => {
      const x = b.input("x", [1, 2, 5, 5]);
      const bias = b.broadcastTo(b.reshape(b.param("b", [3]), [1, 3, 1, 1]), [1, 3, 3, 3]);
      b.output("y", b.unary("relu", b.add(b.conv2d(x, b.param("w", [3, 2, 3, 3])), bias)));
    });
    expect(summary(groups, g)).toEqual(["single: reshape", "conv-epilogue: broadcast_to conv2d add relu"]);
  });

  it("a loss is one reduction with its elementwise prologue and epilogue", () => {
    const { g, groups } = groupsOf((b) => {
      const d = b.sub(b.input("pred", [4, 3]), b.input("target", [4, 3]));
      b.output("mse", b.scale(b.mean(b.unary("square", d)), 0.5));
    });
    expect(summary(groups, g)).toEqual(["reduction: sub square mean mul"]);
  });

  it("softmax by hand: a value with two users is stored, so it ends its group", () => {
    const { g, groups } = groupsOf((b) => {
      const x = b.input("x", [2, 5]);
      const e = b.exp(b.sub(x, b.max(x, 1, true)));
      b.output("y", b.div(e, b.sum(e, 1, true)));
    });
    expect(summary(groups, g)).toEqual(["single: max", "elementwise: sub exp", "single: sum", "single: div"]);
  });

  it("keeps apart: outputs, two anchors, broadcast producers, non-fusible ops", () => {
    const { g, groups } = groupsOf((b) => {
      const x = b.input("x", [2, 3]);
      const w = b.param("w", [3, 3]);
      const shown = b.exp(x);
      b.output("shown", shown);
      b.output("both", b.add(b.matmul(x, w), b.matmul(b.neg(x), w)));
      b.output("bcast", b.mul(x, b.unary("sigmoid", b.input("row", [3]))));
      b.output("acc", b.binary("equal", b.argmax(x, 1), b.input("label", [2], "i32")));
      b.output("after", b.neg(shown));
    });
    expect(summary(groups, g)).toEqual([
      // add joins its first matmul's group (epilogue); the second matmul would be a second anchor.
      "single: exp", "single: neg", "single: matmul", "matmul-epilogue: matmul add", "single: sigmoid", "single: mul",
      "single: argmax", "single: equal", "single: neg",
    ]);
  });

  it("the MLP training step runs as 12 kernels", () => {
    const r = optimizeStep(mlpTrainStep(MLP_FULL), { verify: true });
    const groups = r.step.kernels!;
    expect(groups).toEqual(fuseStep(r.step));
    expectValidGroups(r.step.graph, [...r.step.graph.outputs.map((o) => o.node), ...r.step.updates.map((u) => u.node)], groups);
    // 35 nodes, 26 of them computed (not input, param or const) → 12 kernels: the first layer with its
    // whole epilogue (the relu mask reads relu's output, so the pre-activation has one user), the second
    // layer with its bias, the three weight-gradient matmuls with their epilogues (relu mask; SGD update),
    // the bias gradients' sums with their updates, the loss mean with its neg, and four singles
    // (log_softmax, take_along_axis, scatter_along_axis, log_softmax_backward).
    expect(r.step.graph.nodes.length).toBe(35);
    expect(groups.length).toBe(12);
    expect(summary(groups, r.step.graph)).toEqual([
      "matmul-epilogue: matmul add relu",
      "matmul-epilogue: matmul add",
      "single: log_softmax",
      "single: take_along_axis",
      "reduction: mean neg",
      "single: scatter_along_axis",
      "single: log_softmax_backward",
      "matmul-epilogue: matmul greater mul",
      "matmul-epilogue: matmul mul sub",
      "reduction: sum mul sub",
      "matmul-epilogue: matmul mul sub",
      "reduction: sum mul sub",
    ]);
  });

  it("can be turned off, and its table appears after --dump-after fuse", () => {
    const step = mlpTrainStep({ batch: 2, inputs: 3, hidden: 4, classes: 3 });
    expect(optimizeStep(step, { fuse: false }).step.kernels).toBeUndefined();
    const r = optimizeStep(step, { dumpAfter: "fuse" });
    expect(r.dumps[0]!.text).toMatch(/\nkernel 0 matmul-epilogue: %6 %7 %8\n/);
    expect(() => optimizeStep(step, { fuse: false, dumpAfter: "fuse" })).toThrow(/unknown pass "fuse"/);
  });
});

describe("fusion on the example programs", () => {
  const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".dlm")).sort();
  it("every step's groups are a valid partition", { timeout: 120_000 }, () => {
    for (const file of examples) {
      const fe = frontEnd(readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8"), file);
      const { program } = optimizeProgram(lowerProgram(fe.checked, file, { batch: 2 }).program);
      for (const m of program.models) {
        for (const s of [m.predict, m.evaluate, m.train]) {
          if (!s) continue;
          const step: StepGraph = s;
          expectValidGroups(step.graph, [...step.graph.outputs.map((o) => o.node), ...step.updates.map((u) => u.node)], step.kernels!);
          expect(step.kernels!.length).toBeLessThanOrEqual(step.graph.nodes.length);
        }
      }
    }
  });
});

// Shapes inside an elementwise group all equal the group's root shape, except anchors' inputs.
it("elementwise members share their consumer's shape", () => {
  const step = optimizeStep(mlpTrainStep(MLP_FULL)).step;
  for (const k of step.kernels!) {
    const root = step.graph.nodes[k.nodes[k.nodes.length - 1]!]!;
    for (const n of k.nodes) {
      const node = step.graph.nodes[n]!;
      if (!ANCHORS.has(node.op) && !k.nodes.some((m) => ANCHORS.has(step.graph.nodes[m]!.op) && m > n)) expect(sameShape(node.shape, root.shape)).toBe(true);
    }
  }
});
