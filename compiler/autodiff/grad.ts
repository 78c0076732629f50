// Ahead-of-time reverse-mode autodiff as an IR→IR pass: the backward nodes are appended to the forward
// graph as ordinary IR, so every later pass (fusion, memory planning, emitters) treats them like any other.
//
// Algorithm.
//  1. `live`: nodes whose value depends on some `wrt` node through differentiable ops (a forward sweep;
//     ops.ts's non-differentiable ops — comparisons, casts, random, stop_gradient — cut the dependence).
//  2. `relevant`: live nodes that the loss depends on. Only these get gradients, so branches that do not
//     lead from a wrt tensor to the loss produce no nodes at all.
//  3. Reverse sweep from the loss (seeded with ones: a non-scalar loss means its sum). Each node's
//     gradient is the sum (`add`, in a fixed order) of its users' contributions; its rule turns that into
//     contributions to its relevant inputs. Rule nodes take the forward node's span, so an error in the
//     backward pass still points into the `.dlm` file.
//  4. New nodes no gradient needs (a rule may build shared values for inputs that turn out not to need
//     them) are dropped; forward ids are unchanged because backward nodes are only appended.
// A wrt tensor the loss does not depend on gets no gradient: it is listed in `independent` so the compiler
// can say "minimize over X, but the loss does not depend on X" instead of silently training nothing.

import type { DiagnosticCode } from "../../grammar/diagnostics.js";
import type { Span } from "../../grammar/source.js";
import type { Graph, Node, NodeId, NodeOf } from "../ir/graph.js";
import type { OpName } from "../ir/op-attrs.js";
import type { GradRule, Rules } from "./rule.js";
import { Builder } from "../ir/builder.js";
import { compact, nodeAt, reachableFrom } from "../ir/graph.js";
import { ops } from "../ir/ops.js";
import { printSpan } from "../ir/print.js";
import { sameShape, shapeText } from "../ir/shapes.js";
import { gradRules } from "./rules/index.js";

export interface DifferentiateOptions {
  /** The value to minimise (usually a scalar; otherwise the gradient of its sum). */
  loss: NodeId;
  /** Nodes to differentiate with respect to: params, inputs or intermediate values, all f32. */
  wrt: readonly NodeId[];
  /** Rule table (tests substitute one to exercise the missing-rule error); defaults to all rules. */
  rules?: Rules;
}

export interface Differentiated {
  /** The forward graph (same ids) with backward nodes appended. Outputs are unchanged. */
  graph: Graph;
  /** wrt node → node holding d loss / d wrt (same shape), for each wrt the loss depends on. */
  gradOf: Map<NodeId, NodeId>;
  /** wrt nodes the loss does not depend on (through differentiable ops), in the order given. */
  independent: NodeId[];
}

/** No gradient rule for an op on the path from a wrt tensor to the loss (becomes DLM4001). */
export class AutodiffError extends Error {
  readonly code: DiagnosticCode = "DLM4001";
  constructor(message: string, readonly op: OpName, readonly node: NodeId, readonly span: Span | undefined) {
    super(message);
    this.name = "AutodiffError";
  }
}

export function differentiate(forward: Graph, options: DifferentiateOptions): Differentiated {
  const rules = options.rules ?? gradRules;
  const { loss } = options;
  const wrt = new Set(options.wrt);
  nodeAt(forward, loss);
  for (const w of wrt) {
    const n = nodeAt(forward, w);
    if (n.dtype !== "f32") throw new RangeError(`differentiate: wrt %${w} is ${n.dtype}; only f32 tensors have gradients`);
  }

  const live = forward.nodes.map(() => false);
  for (const n of forward.nodes) {
    live[n.id] = wrt.has(n.id) || (ops[n.op].differentiable && n.inputs.some((i) => live[i]));
  }
  const toLoss = reachableFrom(forward, [loss]);
  const relevant = live.map((l, i) => l && toLoss[i]!);

  const graph: Graph = { ...forward, nodes: [...forward.nodes] };
  const b = new Builder(graph);
  const contributions = new Map<NodeId, NodeId[]>();
  const gradOf = new Map<NodeId, NodeId>();
  const firstNew = forward.nodes.length;

  if (relevant[loss]) {
    const l = nodeAt(forward, loss);
    contributions.set(loss, [b.at(l.span, () => b.const([1], [...l.shape]))]);
  }
  for (let id = loss; id >= 0; id--) {
    if (!relevant[id]) continue;
    const node = forward.nodes[id]!;
    const parts = contributions.get(id);
    if (!parts) continue;
    const g = b.at(node.span, () => parts.slice(1).reduce((acc, p) => b.add(acc, p), parts[0]!));
    contributions.delete(id);
    if (wrt.has(id)) gradOf.set(id, g);
    // A wrt node may itself be the output of a non-differentiable op: its gradient stops there.
    if (!ops[node.op].differentiable) continue;
    const needs = node.inputs.map((i) => relevant[i]!);
    if (!needs.some(Boolean)) continue;
    const grads = b.at(node.span, () => applyRule(rules, node, g, needs, b));
    node.inputs.forEach((input, k) => {
      const gi = grads[k];
      if (!needs[k] || gi === null || gi === undefined) return;
      const want = forward.nodes[input]!.shape;
      if (!sameShape(b.shape(gi), want)) {
        throw new Error(`autodiff rule for ${node.op} gave gradient ${shapeText(b.shape(gi))} for input ${shapeText(want)} (a rule bug)`);
      }
      const list = contributions.get(input);
      if (list) list.push(gi);
      else contributions.set(input, [gi]);
    });
  }

  const independent = options.wrt.filter((w) => !gradOf.has(w));
  const keep = reachableFrom(graph, [...gradOf.values()]).map((r, i) => i < firstNew || r);
  const { graph: pruned, remap } = compact(graph, keep);
  const remapped = new Map([...gradOf].map(([w, g]) => [w, remap.get(g)!]));
  return { graph: pruned, gradOf: remapped, independent };
}

function applyRule(rules: Rules, node: Node, dy: NodeId, needs: boolean[], b: Builder): (NodeId | null)[] {
  const rule = rules[node.op] as GradRule<OpName> | undefined;
  if (!rule) {
    const where = node.span ? ` at ${printSpan(node.span)}` : "";
    throw new AutodiffError(`no gradient rule for op "${node.op}"${where}`, node.op, node.id, node.span);
  }
  return rule({ b, node: node as NodeOf<OpName>, dy, needs });
}
