// The printer: exact one-line format, determinism, and goldens of a forward graph and of the same graph
// after autodiff (accept changes with `npx vitest run test/ir -u`, then read the diff).

import { describe, expect, it } from "vitest";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { Builder } from "../../compiler/ir/builder.js";
import { printGraph, printNode } from "../../compiler/ir/print.js";
import { sourceFile, spanAt } from "../../grammar/source.js";
import { buildMlp } from "./fixtures.js";

describe("printNode", () => {
  it("prints op, inputs, flags, type, span and name", () => {
    const file = sourceFile("mlp.dlm", "\n".repeat(8) + " ".repeat(30) + "Dense(256)\n");
    const b = new Builder();
    const x = b.input("x", [64, 784]);
    const w = b.param("w", [256, 784]);
    const y = b.at(spanAt(file, file.lineStarts[8]! + 30, file.lineStarts[8]! + 40), () => b.matmul(x, w, { transB: true }));
    b.graph.nodes[y]!.name = "hidden";
    expect(printNode(b.graph.nodes[y]!)).toBe("%2 = matmul(%0, %1) {transB} : f32[64, 256] @ mlp.dlm:9:31 # hidden");
    expect(printNode(b.graph.nodes[y]!, { spans: false })).toBe("%2 = matmul(%0, %1) {transB} : f32[64, 256] # hidden");
    expect(printNode(b.graph.nodes[x]!)).toBe('%0 = input "x" : f32[64, 784]');
  });

  it("prints attrs sorted, omitting false and null, and elides long consts", () => {
    const b = new Builder();
    const x = b.input("x", [1, 2, 5, 5]);
    const p = b.emit("avg_pool2d", [x], { stride: [2, 2], pad: [1, 1], kernel: [3, 3] });
    const t = b.takeAlongAxis(b.reshape(x, [2, 25]), b.const([1, 2], [2], "i32"), -1, null);
    const c = b.const(Array.from({ length: 12 }, (_, i) => i / 2), [12]);
    expect(printNode(b.graph.nodes[p]!)).toBe("%1 = avg_pool2d(%0) {kernel=[3, 3], pad=[1, 1], stride=[2, 2]} : f32[1, 2, 3, 3]");
    expect(printNode(b.graph.nodes[t]!)).toBe("%4 = take_along_axis(%2, %3) {axis=1} : f32[2]");
    expect(printNode(b.graph.nodes[c]!)).toBe("%5 = const [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, … (12 values)] : f32[12]");
  });
});

describe("printGraph", () => {
  it("is deterministic", () => {
    expect(printGraph(buildMlp().graph)).toBe(printGraph(buildMlp().graph));
  });

  it("matches the forward golden", async () => {
    await expect(printGraph(buildMlp().graph)).toMatchFileSnapshot("__snapshots__/mlp.forward.ir.txt");
  });

  it("matches the autodiff golden", async () => {
    const { graph, loss, params } = buildMlp();
    const d = differentiate(graph, { loss, wrt: params });
    d.gradOf.forEach((g, p) => (graph.nodes[p]!.op === "param" ? d.graph.outputs.push({ name: `grad.${graph.nodes[p]!.attrs.name}`, node: g }) : undefined));
    await expect(printGraph(d.graph)).toMatchFileSnapshot("__snapshots__/mlp.grad.ir.txt");
  });
});
