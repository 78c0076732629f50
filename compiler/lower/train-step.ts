// The train step graph: train-mode forward of the whole step, then for each objective (each `minimize`,
// in order) its loss, its backward (autodiff), optional global-norm clipping and its optimizer updates.
//
// Several objectives (a GAN's step): the language says each minimize runs "on the parameters as the
// previous one left them". So objective k > 0 whose loss depends on parameters an earlier objective
// updated is computed from a second lowering of the step's forward in which those parameters read the
// updated values (behind stop_gradient: an earlier update is a constant to this objective, never a path
// for its gradient). Field inputs, the step counter and every random draw are shared (random streams
// are per call site), so both lowerings see the same batch and the same noise. An objective whose loss
// does not depend on updated parameters reuses the first lowering. Unused nodes are pruned at the end.
// `adversarial fgsm(…)` replaces the (single) loss by its adversarial version (adversarial.ts).

import { paramsReached } from "../check/reach.js";
import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import { AutodiffError, differentiate } from "../autodiff/grad.js";
import { Builder } from "../ir/builder.js";
import type { Graph, NodeId } from "../ir/graph.js";
import { compact, emptyGraph, reachableFrom } from "../ir/graph.js";
import type { CheckedTrain, Objective, ValueId } from "../check/types.js";
import type { HostScalar, ObjectiveSpec, StepGraph } from "../program/types.js";
import { clipByGlobalNorm } from "./clip.js";
import { adversarialLoss } from "./adversarial.js";
import { lowerGraph } from "./graph.js";
import { needsBiasCorrection, updateParam } from "./optimizer.js";
import { setLevel } from "./metrics.js";

export interface TrainStepResult {
  step?: StepGraph;
  diagnostics: Diagnostic[];
}

/** Host-scalar and state names per objective: "lr", "lr.1", …; "<param>.adam_m" for the first owner. */
export const suffixOf = (k: number): string => (k === 0 ? "" : `.${k}`);

export function momentName(param: string, suffix: string, objective: number, owners: ReadonlyMap<string, number>): string {
  return owners.get(param) === objective ? `${param}.${suffix}` : `${param}.${suffix}${suffixOf(objective)}`;
}

/** The first objective listing each parameter (its moments get the plain name). */
export function firstOwners(objectives: readonly { params: string[] }[]): Map<string, number> {
  const owners = new Map<string, number>();
  objectives.forEach((o, k) => o.params.forEach((p) => owners.has(p) || owners.set(p, k)));
  return owners;
}

export function lowerTrainStep(train: CheckedTrain, specs: readonly ObjectiveSpec[]): TrainStepResult {
  const diagnostics: Diagnostic[] = [];
  let b = new Builder(emptyGraph());
  const seed = train.seed ?? 0;
  const first = lowerGraph(train.graph, "train", b, { seed });
  diagnostics.push(...first.diagnostics);
  if (!first.ok) return { diagnostics };
  const hostScalars: HostScalar[] = [];
  const updates: StepGraph["updates"] = [...first.bufferUpdates];
  const paramNode = (g: Graph, name: string) => g.params.find((p) => p.name === name)?.node;
  const inputNode = (g: Graph, name: string) => g.inputs.find((p) => p.name === name)?.node;
  const owners = firstOwners(specs);
  const updated = new Map<string, NodeId>();
  const outputs: Array<{ name: string; node: NodeId }> = [];

  for (const [k, obj] of train.objectives.entries()) {
    const spec = specs[k]!;
    let values = first.values;
    const reached = paramsReached(train.graph.ops, obj.loss, { cutAtStopGrad: false });
    if ([...reached].some((p) => updated.has(p))) {
      const again = lowerGraph(train.graph, "train", b, {
        seed,
        param: (t) => {
          const u = updated.get(t.name);
          return u !== undefined ? b.stopGradient(u) : paramNode(b.graph, t.name) ?? b.param(t.name, [], { kind: "zeros" });
        },
        input: (v) => inputNode(b.graph, v.name)!,
        step: () => inputNode(b.graph, "step")!,
      });
      diagnostics.push(...again.diagnostics);
      if (!again.ok) return { diagnostics };
      values = again.values;
    }
    let loss = values.get(obj.loss)!;
    if (k === 0 && train.adversarial) {
      const adv = adversarialLoss(b, train, loss, diagnostics);
      if (!adv) return { diagnostics };
      b = adv.b;
      loss = adv.loss;
    }
    outputs.push({ name: `loss${suffixOf(k)}`, node: loss });
    const res = backward(b.graph, loss, obj, diagnostics);
    if (!res) return { diagnostics };
    b = new Builder(res.graph);
    const lr = b.input(`lr${suffixOf(k)}`, []);
    hostScalars.push({ kind: "lr", name: `lr${suffixOf(k)}`, objective: k });
    let bc1: NodeId | undefined;
    let bc2: NodeId | undefined;
    if (needsBiasCorrection(spec.optimizer)) {
      const c = spec.optimizer.config;
      for (const [i, beta] of [[1, c["beta1"] ?? 0.9], [2, c["beta2"] ?? 0.999]] as const) {
        const name = `bias_correction${i}${suffixOf(k)}`;
        const node = b.input(name, []);
        hostScalars.push({ kind: "bias_correction", name, objective: k, beta: Number(beta) });
        if (i === 1) bc1 = node;
        else bc2 = node;
      }
    }
    const withGrad = obj.params.filter((p) => res.grads.has(p));
    let grads = withGrad.map((p) => res.grads.get(p)!);
    if (train.clip !== undefined) grads = clipByGlobalNorm(b, grads, train.clip);
    withGrad.forEach((name, i) => {
      const p = paramNode(b.graph, name)!;
      const current = updated.get(name) ?? p;
      const moment = (suffix: string) => {
        const state = momentName(name, suffix, k, owners);
        return paramNode(b.graph, state) ?? b.param(state, b.shape(p), { kind: "zeros" });
      };
      const u = b.at(b.graph.nodes[p]?.span, () => updateParam(b, spec.optimizer, current, grads[i]!, { lr, bc1, bc2 }, moment));
      updated.set(name, u.param);
      for (const m of u.moments) updates.push({ state: momentName(name, m.suffix, k, owners), node: m.node });
    });
  }
  for (const [name, node] of updated) updates.push({ state: name, node });
  for (const m of train.metrics) {
    if (outputs.some((o) => o.name === m.name)) continue;
    // detection_map and the like are computed by the host over a whole set (evaluate): no step value.
    if (setLevel(train.graph.ops, m.value)) continue;
    const node = first.values.get(m.value);
    if (node !== undefined) outputs.push({ name: m.name, node });
  }
  const graph = prune(b.graph, outputs, updates);
  if (graph.graph.inputs.some((i) => i.name === "step")) hostScalars.push({ kind: "step", name: "step" });
  return { step: { graph: graph.graph, updates: graph.updates, hostScalars }, diagnostics };
}

function backward(g: Graph, loss: NodeId, obj: Objective, diagnostics: Diagnostic[]): { graph: Graph; grads: Map<string, NodeId> } | undefined {
  const wrt = obj.params.map((name) => ({ name, node: g.params.find((p) => p.name === name)?.node }))
    .filter((x): x is { name: string; node: NodeId } => x.node !== undefined);
  try {
    const d = differentiate(g, { loss, wrt: wrt.map((w) => w.node) });
    const grads = new Map<string, NodeId>();
    for (const w of wrt) {
      const gnode = d.gradOf.get(w.node);
      if (gnode !== undefined) grads.set(w.name, gnode);
    }
    return { graph: d.graph, grads };
  } catch (e) {
    if (e instanceof AutodiffError) {
      diagnostics.push(diagnostic("DLM4001", e.message, e.span ?? obj.span));
      return undefined;
    }
    throw e;
  }
}

/** Keeps what outputs and updates need, plus every input and param node (the named lists stay whole). */
function prune(g: Graph, outputs: Array<{ name: string; node: NodeId }>, updates: StepGraph["updates"]): { graph: Graph; updates: StepGraph["updates"] } {
  const withOutputs: Graph = { ...g, outputs: outputs.map((o) => ({ ...o })) };
  const keep = reachableFrom(withOutputs, [...outputs.map((o) => o.node), ...updates.map((u) => u.node)]);
  for (const n of g.nodes) if (n.op === "input" || n.op === "param") keep[n.id] = true;
  const { graph, remap } = compact(withOutputs, keep);
  return { graph, updates: updates.map((u) => ({ state: u.state, node: remap.get(u.node)! })) };
}
