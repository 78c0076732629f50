// Gradients with respect to a model's inputs, as two more step graphs (what saliency maps, integrated
// gradients and adversarial attacks need), compiled ahead of time like predict and train:
//
//   inputGradient  the evaluate graph's eval-mode forward and per-example loss, differentiated (reverse
//                  mode, autodiff/grad.ts) with respect to the f32 data fields the model reads. The loss is
//                  the *sum* of the per-example losses, so each example's gradient is that of its own loss,
//                  whatever the batch and its padding (eval mode keeps examples independent).
//   saliency       the predict graph plus an input "cotangent" shaped like the first output; the VJP
//                  cotangent·∂output/∂inputs, i.e. the gradient of sum(output * cotangent). A one-hot
//                  cotangent of class c gives ∂score_c/∂x per example.
//
// An input the loss (or the output) does not depend on gets a zero gradient (a constant), so every f32
// input has its output and the generated API stays the same whatever the model.

import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import { AutodiffError, differentiate } from "../autodiff/grad.js";
import { Builder } from "../ir/builder.js";
import type { Graph, NodeId } from "../ir/graph.js";
import { compact, emptyGraph, reachableFrom } from "../ir/graph.js";
import type { CheckedTrain } from "../check/types.js";
import type { HostScalar, StepGraph } from "../program/types.js";
import { lowerGraph } from "./graph.js";

/** Output name of the gradient of input (or field) `name`. */
export const gradName = (name: string): string => `grad.${name}`;

/** Name of the saliency step's cotangent input: "cotangent", unless a model input has that name. */
export function cotangentName(inputs: readonly string[]): string {
  let name = "cotangent";
  while (inputs.includes(name)) name += "_";
  return name;
}

/** The per-example loss node of a lowering (f32[batch]), as evaluate reports it. */
export function perExampleLoss(b: Builder, train: CheckedTrain, node: NodeId): NodeId {
  const shape = b.shape(node);
  if (shape.length === 1 && shape[0] === train.batch) return node;
  return b.at(train.span, () => b.broadcastTo(shape.length === 0 ? node : b.mean(node), [train.batch]));
}

/** The f32 data fields the model reads (its inputs), in the model's input order. */
export function modelFields(train: CheckedTrain, g: Graph): string[] {
  const out: string[] = [];
  for (const field of Object.values(train.inputFields)) {
    const node = g.inputs.find((i) => i.name === field)?.node;
    if (node !== undefined && g.nodes[node]!.dtype === "f32" && !out.includes(field)) out.push(field);
  }
  return out;
}

export function lowerInputGradient(train: CheckedTrain, diagnostics: Diagnostic[]): StepGraph | undefined {
  if (train.form !== "single" || train.loss === undefined) return undefined;
  const b = new Builder(emptyGraph());
  const res = lowerGraph(train.graph, "eval", b, { perExample: true, seed: train.seed ?? 0 });
  diagnostics.push(...res.diagnostics);
  if (!res.ok) return undefined;
  const loss = perExampleLoss(b, train, res.values.get(train.loss)!);
  const fields = modelFields(train, b.graph);
  if (fields.length === 0) return undefined;
  const wrt = fields.map((f) => b.graph.inputs.find((i) => i.name === f)!.node);
  const grads = gradients(b.graph, loss, wrt, train, diagnostics);
  if (!grads) return undefined;
  const outputs = [{ name: "loss", node: loss }, ...fields.map((f, i) => ({ name: gradName(f), node: grads.nodes[i]! }))];
  return finish(grads.graph, outputs);
}

/** From the lowered predict step: the VJP of its first output with respect to its f32 inputs. */
export function lowerSaliency(predict: StepGraph, train: CheckedTrain, diagnostics: Diagnostic[]): StepGraph | undefined {
  const first = predict.graph.outputs[0];
  if (!first || predict.graph.nodes[first.node]!.dtype !== "f32") return undefined;
  const g = predict.graph;
  const b = new Builder({ nodes: [...g.nodes], inputs: [...g.inputs], params: [...g.params], outputs: [] });
  const hostNames = new Set(predict.hostScalars.map((h) => h.name));
  const inputs = g.inputs.filter((i) => !hostNames.has(i.name) && g.nodes[i.node]!.dtype === "f32");
  if (inputs.length === 0) return undefined;
  const cot = b.input(cotangentName(g.inputs.map((i) => i.name)), b.shape(first.node));
  const objective = b.at(train.span, () => b.mul(first.node, cot));
  const grads = gradients(b.graph, objective, inputs.map((i) => i.node), train, diagnostics);
  if (!grads) return undefined;
  const outputs = [{ name: first.name, node: first.node }, ...inputs.map((x, i) => ({ name: gradName(x.name), node: grads.nodes[i]! }))];
  return finish(grads.graph, outputs);
}

function gradients(g: Graph, loss: NodeId, wrt: NodeId[], train: CheckedTrain, diagnostics: Diagnostic[]): { graph: Graph; nodes: NodeId[] } | undefined {
  try {
    const d = differentiate(g, { loss, wrt });
    const b = new Builder(d.graph);
    const nodes = wrt.map((w) => d.gradOf.get(w) ?? b.const([0], b.shape(w)));
    return { graph: b.graph, nodes };
  } catch (e) {
    if (e instanceof AutodiffError) {
      diagnostics.push(diagnostic("DLM4001", e.message, e.span ?? train.span));
      return undefined;
    }
    throw e;
  }
}

/** Keeps what the outputs need, plus every input and param (the named lists stay whole). */
function finish(g: Graph, outputs: Array<{ name: string; node: NodeId }>): StepGraph {
  const withOutputs: Graph = { ...g, outputs };
  const keep = reachableFrom(withOutputs, outputs.map((o) => o.node));
  for (const n of g.nodes) if (n.op === "input" || n.op === "param") keep[n.id] = true;
  const { graph } = compact(withOutputs, keep);
  const hostScalars: HostScalar[] = graph.inputs.some((i) => i.name === "step") ? [{ kind: "step", name: "step" }] : [];
  return { graph, updates: [], hostScalars };
}
