// examples/gan.dlm: two objectives in order. The discriminator's update uses the gradient of the first
// loss; the generator's update uses the gradient of the second loss evaluated with the discriminator's
// *updated* parameters held constant. Both are checked against central differences.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Graph, Node } from "../../compiler/ir/graph.js";
import { evaluate } from "../../compiler/ir/reference.js";
import { programOf, randomArray, runStep, seeded } from "./helpers.js";

const source = readFileSync(new URL("../../examples/gan.dlm", import.meta.url), "utf8").replaceAll("adam(lr: 2e-4, beta1: 0.5)", "sgd(lr: 0.5)");

describe("gan.dlm", () => {
  const m = programOf(source, { batch: 2 });
  const rand = seeded(12);
  const w: Record<string, number[]> = {};
  for (const s of m.state) w[s.name] = randomArray(s.shape.reduce((a, d) => a * d, 1), () => rand(-0.1, 0.1));
  const inputs = { image: randomArray(2 * 784, () => rand(0, 1)), label: [1, 2], step: [7], lr: [0.5], "lr.1": [0.5] };
  const g = m.train!.graph;

  it("has one objective per minimize, in order, with their own host scalars and outputs", () => {
    expect(m.training!.objectives.map((o) => o.over)).toEqual([["d"], ["g"]]);
    expect(g.outputs.map((o) => o.name)).toEqual(["loss", "loss.1"]);
    expect(m.train!.hostScalars.map((h) => h.name).sort()).toEqual(["lr", "lr.1", "step"]);
    expect(m.predict.graph.inputs.map((i) => i.name)).toEqual(["z"]);
    expect(m.predict.graph.params.every((p) => p.name.startsWith("g."))).toBe(true);
    expect(m.evaluate).toBeUndefined();
  });

  it("d's update follows the first loss; g's follows the second loss at d's updated parameters", () => {
    const base = runStep(m.train!, inputs, w);
    const all = evaluate(g, inputs, w);
    // Pin the updated discriminator parameters (what the second loss reads) to their values, so moving
    // g's parameters changes the second loss only through g, as the semantics say.
    const updateNodes = new Set(m.train!.updates.filter((u) => u.state.startsWith("d.")).map((u) => u.node));
    const pins = g.nodes.filter((n) => n.op === "stop_gradient" && updateNodes.has(n.inputs[0]!)).map((n) => n.id);
    expect(pins.length).toBe(4);
    const pinned: Graph = {
      ...g,
      nodes: g.nodes.map((n) => (pins.includes(n.id) ? ({ ...n, op: "input", inputs: [], attrs: { name: `pin${n.id}`, shape: n.shape, dtype: n.dtype } } as Node) : n)),
      inputs: [...g.inputs, ...pins.map((id) => ({ name: `pin${id}`, node: id }))],
    };
    const pinValues = Object.fromEntries(pins.map((id) => [`pin${id}`, all[id]!]));
    const lossAt = (graph: Graph, out: string, name: string, i: number, h: number) => {
      const moved = { ...w, [name]: w[name]!.map((v, k) => (k === i ? v + h : v)) };
      const node = graph.outputs.find((o) => o.name === out)!.node;
      return evaluate(graph, { ...inputs, ...pinValues }, moved, [node])[node]!.data[0]!;
    };
    const r = seeded(3);
    for (const s of m.state.filter((x) => x.role === "param")) {
      const [graph, out] = s.name.startsWith("d.") ? [g, "loss"] as const : [pinned, "loss.1"] as const;
      for (let t = 0; t < 3; t++) {
        const i = Math.floor(r(0, 1) * w[s.name]!.length);
        const grad = (w[s.name]![i]! - base.updates[s.name]![i]!) / 0.5;
        const fd = (lossAt(graph, out, s.name, i, 1e-6) - lossAt(graph, out, s.name, i, -1e-6)) / 2e-6;
        expect(Math.abs(grad - fd)).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
      }
    }
  });
});
