// The float64 reference evaluator: the slow, obvious meaning of every op, used by gradient checks, by tests
// of the emitters and runtime kernels, and by constant folding. Zero tricks: one plain loop nest per op,
// in reference/<group>.ts, merged into `referenceKernels` (a typed table: a missing op is a type error, and
// the completeness test walks it too).

import type { Graph, Node, NodeId, NodeOf } from "./graph.js";
import type { OpName } from "./op-attrs.js";
import type { RefKernel, RefKernels, RefTensor } from "./reference/tensor.js";
import { sameShape, shapeText, sizeOf } from "./shapes.js";
import { elementwiseKernels } from "./reference/elementwise.js";
import { linalgKernels } from "./reference/linalg.js";
import { movementKernels } from "./reference/movement.js";
import { poolKernels } from "./reference/pool.js";
import { randomKernels } from "./reference/random.js";
import { reduceKernels } from "./reference/reduce.js";

export type { RefTensor } from "./reference/tensor.js";
export { tensor } from "./reference/tensor.js";

/** A value given for a graph input or param: a tensor, or just its data (shape taken from the node). */
export type RefValue = RefTensor | ArrayLike<number>;

const sourceKernels: RefKernels<"const" | "input" | "param"> = {
  const: (_, a) => (a.values.length === 1 ? new Float64Array(sizeOf(a.shape)).fill(a.values[0]!) : Float64Array.from(a.values)),
  // Sources are bound by `evaluate` itself; reaching these means a value was missing.
  input: (_, a) => { throw new RangeError(`evaluate: no value for input "${a.name}"`); },
  param: (_, a) => { throw new RangeError(`evaluate: no value for param "${a.name}"`); },
};

export const referenceKernels: RefKernels<OpName> = {
  ...sourceKernels,
  ...elementwiseKernels,
  ...reduceKernels,
  ...linalgKernels,
  ...poolKernels,
  ...movementKernels,
  ...randomKernels,
};

function bind(node: Node, given: RefValue | undefined): RefTensor | undefined {
  if (given === undefined) return undefined;
  const data = "data" in given && "shape" in given ? given.data : (given as ArrayLike<number>);
  if ("shape" in given && !sameShape((given as RefTensor).shape, node.shape)) {
    throw new RangeError(`evaluate: value for %${node.id} has shape ${shapeText((given as RefTensor).shape)}, expected ${shapeText(node.shape)}`);
  }
  if (data.length !== sizeOf(node.shape)) throw new RangeError(`evaluate: ${data.length} values for %${node.id} ${shapeText(node.shape)}`);
  return { shape: [...node.shape], dtype: node.dtype, data: Float64Array.from(data) };
}

/** Evaluates one node from its input values. */
export function evaluateNode(node: Node, inputs: RefTensor[]): RefTensor {
  const kernel = referenceKernels[node.op] as RefKernel<OpName>;
  const data = kernel(inputs, node.attrs, node as NodeOf<OpName>);
  if (data.length !== sizeOf(node.shape)) throw new Error(`reference ${node.op}: produced ${data.length} values for ${shapeText(node.shape)}`);
  return { shape: [...node.shape], dtype: node.dtype, data };
}

/**
 * Evaluates every node (or only those the `roots` need) in float64. Inputs and params are looked up by
 * name. Returns values indexed by node id (undefined for nodes not needed).
 */
export function evaluate(graph: Graph, inputs: Record<string, RefValue>, params: Record<string, RefValue> = {},
  roots?: readonly NodeId[]): (RefTensor | undefined)[] {
  const needed = roots ? neededBy(graph, roots) : graph.nodes.map(() => true);
  const values: (RefTensor | undefined)[] = new Array(graph.nodes.length);
  for (const node of graph.nodes) {
    if (!needed[node.id]) continue;
    const bound = node.op === "input" ? bind(node, inputs[node.attrs.name]) : node.op === "param" ? bind(node, params[node.attrs.name]) : undefined;
    values[node.id] = bound ?? evaluateNode(node, node.inputs.map((i) => values[i]!));
  }
  return values;
}

function neededBy(graph: Graph, roots: readonly NodeId[]): boolean[] {
  const seen = graph.nodes.map(() => false);
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = true;
    stack.push(...graph.nodes[id]!.inputs);
  }
  return seen;
}

/** The named outputs of a graph, evaluated. */
export function evaluateOutputs(graph: Graph, inputs: Record<string, RefValue>, params: Record<string, RefValue> = {}): Record<string, RefTensor> {
  const values = evaluate(graph, inputs, params, graph.outputs.map((o) => o.node));
  return Object.fromEntries(graph.outputs.map((o) => [o.name, values[o.node]!]));
}
