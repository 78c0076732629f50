// verify() must accept well-formed graphs and catch each kind of breakage, one mutation per check.

import { describe, expect, it } from "vitest";
import type { Graph, Node } from "../../compiler/ir/graph.js";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { IrError } from "../../compiler/ir/shapes.js";
import { assertValid, verify } from "../../compiler/ir/verify.js";
import { buildMlp } from "./fixtures.js";

function mutated(f: (g: Graph) => void): Graph {
  const g = structuredClone(buildMlp().graph);
  f(g);
  return g;
}

const nodeWhere = (g: Graph, p: (n: Node) => boolean): Node => g.nodes.find(p)!;

describe("verify", () => {
  it("accepts a well-formed graph and its differentiated form", () => {
    const { graph, loss, params } = buildMlp();
    expect(verify(graph)).toEqual([]);
    expect(verify(differentiate(graph, { loss, wrt: params }).graph)).toEqual([]);
  });

  const cases: [string, (g: Graph) => void, RegExp][] = [
    ["ids that are not positions", (g) => { g.nodes[3]!.id = 7; }, /has id %7/],
    ["an input that does not exist", (g) => { nodeWhere(g, (n) => n.op === "relu").inputs = [99]; }, /input %99 does not exist/],
    ["a use before definition", (g) => { g.nodes[6]!.inputs[0] = 8; }, /not defined before use/],
    ["a self-reference", (g) => { const n = nodeWhere(g, (x) => x.op === "relu"); n.inputs = [n.id]; }, /not defined before use/],
    ["an unknown op", (g) => { (g.nodes[7] as { op: string }).op = "frobnicate"; }, /unknown op "frobnicate"/],
    ["a stored shape that differs from inference", (g) => { nodeWhere(g, (n) => n.op === "relu").shape = [2, 6]; }, /stored type f32\[2, 6\] differs from inferred f32\[2, 5\]/],
    ["a stored dtype that differs from inference", (g) => { nodeWhere(g, (n) => n.op === "relu").dtype = "i32"; }, /differs from inferred/],
    ["invalid attrs", (g) => { (nodeWhere(g, (n) => n.op === "log_softmax").attrs as { axis: number }).axis = 5; }, /axis 5 out of range/],
    ["inputs swapped (type changes)", (g) => { nodeWhere(g, (n) => n.op === "matmul").inputs.reverse(); }, /stored type f32\[2, 5\] differs from inferred f32\[5, 2\]/],
    ["inputs whose shapes no longer fit", (g) => { nodeWhere(g, (n) => n.op === "matmul").inputs[0] = 4; }, /matmul: inner dims differ/],
    ["a wrong arity", (g) => { nodeWhere(g, (n) => n.op === "relu").inputs.push(0); }, /expected 1 input/],
    ["a duplicate input name", (g) => { g.inputs.push({ ...g.inputs[0]! }); }, /duplicate input name "image"/],
    ["an input list entry at a non-input node", (g) => { g.inputs[0]!.node = 5; }, /input "image" points at a/],
    ["an input node missing from the list", (g) => { g.inputs.pop(); }, /input node "label" is not listed/],
    ["a dangling param node", (g) => { g.params.splice(1, 1); }, /param node "hidden.b" is not listed in graph.params \(dangling\)/],
    ["a param entry at a missing node", (g) => { g.params[0]!.node = 500; }, /param "hidden.w" points at missing node %500/],
    ["a param entry with another name", (g) => { g.params[0]!.name = "other"; }, /points at a node named "hidden.w"/],
    ["a const init of the wrong size", (g) => { g.params[3]!.init = { kind: "const", values: [1] }; }, /const init has 1 values for \[3\]/],
    ["a bad uniform init", (g) => { g.params[0]!.init = { kind: "uniform", low: 1, high: 0 }; }, /low <= high/],
    ["an output at a missing node", (g) => { g.outputs[0]!.node = -1; }, /output "logits" points at missing node %-1/],
    ["a duplicate output name", (g) => { g.outputs[1]!.name = "logits"; }, /duplicate output name "logits"/],
  ];

  it.each(cases)("catches %s", (_, mutate, message) => {
    const problems = verify(mutated(mutate));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.message).join("\n")).toMatch(message);
  });

  it("names the node at fault, and assertValid throws with every problem", () => {
    const g = mutated((x) => { nodeWhere(x, (n) => n.op === "relu").shape = [1]; });
    const relu = nodeWhere(g, (n) => n.op === "relu");
    expect(verify(g)[0]!.node).toBe(relu.id);
    expect(() => assertValid(g, "test-pass")).toThrow(IrError);
    expect(() => assertValid(g, "test-pass")).toThrow(new RegExp(`invalid IR after test-pass:\\n  %${relu.id}: stored type`));
  });
});
