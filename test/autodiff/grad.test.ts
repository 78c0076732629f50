// The AD pass as a pass: what it appends, what it leaves alone, what it reports. Numerical correctness of
// each rule is test/gradcheck's job; here: structure, pruning, independence, stop_gradient, spans, errors.

import { describe, expect, it } from "vitest";
import type { Rules } from "../../compiler/autodiff/rule.js";
import { AutodiffError, differentiate } from "../../compiler/autodiff/grad.js";
import { gradRules } from "../../compiler/autodiff/rules/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { evaluate, tensor } from "../../compiler/ir/reference.js";
import { printGraph } from "../../compiler/ir/print.js";
import { assertValid } from "../../compiler/ir/verify.js";
import { sourceFile, spanAt } from "../../grammar/source.js";
import { buildMlp } from "../ir/fixtures.js";

describe("differentiate", () => {
  it("appends backward nodes after an unchanged forward graph", () => {
    const { graph, loss, params } = buildMlp();
    const before = printGraph(graph);
    const d = differentiate(graph, { loss, wrt: params });
    assertValid(d.graph);
    expect(printGraph(graph)).toBe(before);
    expect(d.graph.nodes.slice(0, graph.nodes.length)).toEqual(graph.nodes);
    expect(d.graph.outputs).toEqual(graph.outputs);
    expect([...d.gradOf.keys()].sort()).toEqual([...params].sort());
    for (const [p, g] of d.gradOf) expect(d.graph.nodes[g]!.shape).toEqual(graph.nodes[p]!.shape);
    expect(d.independent).toEqual([]);
  });

  it("is deterministic", () => {
    const run = () => {
      const { graph, loss, params } = buildMlp();
      return printGraph(differentiate(graph, { loss, wrt: params }).graph);
    };
    expect(run()).toBe(run());
  });

  it("builds no nodes for gradients nobody asked for", () => {
    const b = new Builder();
    const x = b.input("x", [1, 2, 5, 5]);
    const w = b.param("w", [3, 2, 3, 3]);
    const loss = b.sum(b.conv2d(x, w));
    const onlyW = differentiate(b.graph, { loss, wrt: [w] });
    expect(onlyW.graph.nodes.map((n) => n.op)).not.toContain("conv2d_backward_input");
    expect(onlyW.graph.nodes.map((n) => n.op)).toContain("conv2d_backward_weight");
    const both = differentiate(b.graph, { loss, wrt: [w, x] });
    expect(both.graph.nodes.map((n) => n.op)).toContain("conv2d_backward_input");
  });

  it("ignores branches that do not reach the loss", () => {
    const build = (extra: boolean) => {
      const b = new Builder();
      const x = b.input("x", [3]);
      const w = b.param("w", [3]);
      const h = b.mul(x, w);
      if (extra) b.output("side", b.exp(b.unary("tanh", h)));
      const loss = b.sum(b.unary("square", h));
      const d = differentiate(b.graph, { loss, wrt: [w] });
      return d.graph.nodes.length - b.graph.nodes.length;
    };
    expect(build(true)).toBe(build(false));
    expect(build(false)).toBeGreaterThan(0);
  });

  it("reports wrt tensors the loss does not depend on, instead of a zero gradient", () => {
    const b = new Builder();
    const x = b.input("x", [2]);
    const used = b.param("used", [2]);
    const unused = b.param("unused", [2]);
    b.output("other", b.mul(x, unused));
    const loss = b.sum(b.mul(x, used));
    const d = differentiate(b.graph, { loss, wrt: [unused, used] });
    expect(d.independent).toEqual([unused]);
    expect(d.gradOf.has(unused)).toBe(false);
    expect(d.gradOf.has(used)).toBe(true);
  });

  it("stops gradients at stop_gradient (GAN discriminator step)", () => {
    const b = new Builder();
    const z = b.input("z", [2, 3]);
    const g = b.param("g.w", [3, 4]);
    const dw = b.param("d.w", [4, 1]);
    const fake = b.matmul(z, g);
    const loss = b.sum(b.unary("sigmoid", b.matmul(b.stopGradient(fake), dw)));
    const d = differentiate(b.graph, { loss, wrt: [dw, g] });
    expect(d.independent).toEqual([g]);
    expect([...d.gradOf.keys()]).toEqual([dw]);
    const unstopped = differentiate(b.graph, { loss: b.sum(b.matmul(fake, dw)), wrt: [g] });
    expect(unstopped.independent).toEqual([]);
  });

  it("accumulates contributions of a value used several times", () => {
    const b = new Builder();
    const x = b.input("x", [3]);
    const loss = b.sum(b.add(b.mul(x, x), b.scale(x, 3)));
    const d = differentiate(b.graph, { loss, wrt: [x] });
    const g = evaluate(d.graph, { x: [1, -2, 0.5] }, {}, [d.gradOf.get(x)!])[d.gradOf.get(x)!]!;
    expect([...g.data]).toEqual([5, -1, 4]);
  });

  it("splits the gradient of max evenly among ties", () => {
    const b = new Builder();
    const x = b.input("x", [4]);
    const loss = b.max(x);
    const d = differentiate(b.graph, { loss, wrt: [x] });
    const g = evaluate(d.graph, { x: [1, 3, 3, 2] }, {}, [d.gradOf.get(x)!])[d.gradOf.get(x)!]!;
    expect([...g.data]).toEqual([0, 0.5, 0.5, 0]);
  });

  it("differentiates the sum of a non-scalar loss, and w.r.t. intermediate values", () => {
    const b = new Builder();
    const x = b.input("x", [2]);
    const h = b.unary("square", x);
    const y = b.exp(h);
    const d = differentiate(b.graph, { loss: y, wrt: [h, x] });
    const values = evaluate(d.graph, { x: tensor([2], [0.5, -1]) });
    const gh = values[d.gradOf.get(h)!]!.data;
    const gx = values[d.gradOf.get(x)!]!.data;
    expect(gh[0]).toBeCloseTo(Math.exp(0.25), 14);
    expect(gx[1]).toBeCloseTo(-2 * Math.exp(1), 14);
  });

  it("refuses i32 wrt tensors", () => {
    const b = new Builder();
    const i = b.input("i", [2], "i32");
    const loss = b.sum(b.cast(i, "f32"));
    expect(() => differentiate(b.graph, { loss, wrt: [i] })).toThrow(/only f32 tensors have gradients/);
  });

  it("gives backward nodes the span of the forward node they come from", () => {
    const file = sourceFile("net.dlm", "y = x |> Dense(4) |> tanh\n");
    const b = new Builder();
    const x = b.input("x", [2, 3]);
    const w = b.param("w", [3, 4]);
    const t = b.at(spanAt(file, 21, 25), () => b.unary("tanh", b.matmul(x, w)));
    const d = differentiate(b.graph, { loss: b.sum(t), wrt: [w] });
    const squares = d.graph.nodes.filter((n) => n.op === "square");
    expect(squares.length).toBe(1);
    expect(squares[0]!.span?.start).toMatchObject({ line: 1, column: 22 });
  });

  it("raises AutodiffError (DLM4001) naming the op and its span when a rule is missing", () => {
    const file = sourceFile("mlp.dlm", "model M {\n  y = x |> Dense(4) |> gelu\n}\n");
    const b = new Builder();
    const x = b.input("x", [2, 3]);
    const w = b.param("w", [3, 4]);
    const y = b.at(spanAt(file, 33, 37), () => b.unary("gelu", b.matmul(x, w)));
    const rules: Rules = { ...gradRules, gelu: undefined };
    let error: unknown;
    try {
      differentiate(b.graph, { loss: b.sum(y), wrt: [w], rules });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AutodiffError);
    const e = error as AutodiffError;
    expect(e.message).toBe('no gradient rule for op "gelu" at mlp.dlm:2:24');
    expect(e.code).toBe("DLM4001");
    expect(e.op).toBe("gelu");
    expect(e.node).toBe(y);
    expect(e.span?.start.line).toBe(2);
  });
});
