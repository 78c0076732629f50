// lowerGraph: the checker's elaborated graph (catalogue ops over symbolic shapes) → primitive IR ops.
//
// Walks the ops in dataflow order, binds every symbolic dim (batch included) to a number, and calls the
// op's rule from the merged rule table with the builder's current span set to the op's span, so every IR
// node points back into the `.dlm` file. Each op's results are checked against the checker's types (after
// binding): a rule that builds the wrong shape is reported as DLM4011 at the op rather than surfacing later.
// Where parameters, graph inputs and the step counter come from is the caller's choice (hooks), which is
// how program.ts reuses one lowering for predict, evaluate, train, and for re-lowering a step for the
// next objective over already-updated parameters.

import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import type { Builder } from "../ir/builder.js";
import type { NodeId } from "../ir/graph.js";
import { IrError, sameShape, shapeText } from "../ir/shapes.js";
import { dimConst, type Dim } from "../check/dims.js";
import type { ElaboratedGraph, NamedValue, Op, ParamTensor, ValueId } from "../check/types.js";
import { LowerError, makeDim, type LowerCtx, type Mode, type OpRule } from "./context.js";
import { initFor } from "./init.js";
import { metricRules } from "./metrics.js";
import { ruleFor } from "./rules.js";

export interface LowerGraphOptions {
  /** Extra or overriding dim bindings (e.g. B); the graph's own `dims` are used first. */
  dims?: Record<string, Dim | number>;
  /** Losses and metrics per example, f32[batch] (the evaluate graph). */
  perExample?: boolean;
  /** The node for a parameter or buffer; default: a `param` node named after it with PyTorch's init. */
  param?: (t: ParamTensor, shape: number[]) => NodeId;
  /** The node for a graph input; default: an `input` node with the value's name. */
  input?: (v: NamedValue, shape: number[]) => NodeId;
  /** The i32 step counter for random ops; default: an input "step" made on first use. */
  step?: () => NodeId;
  /** The train block's seed, folded into every random stream (0: streams are the op ids). */
  seed?: number;
}

export interface LoweredGraph {
  /** Checker value id → IR node, for every value lowered. */
  values: Map<ValueId, NodeId>;
  /** BatchNorm running-stat updates (train mode). */
  bufferUpdates: Array<{ state: string; node: NodeId }>;
  diagnostics: Diagnostic[];
  /** False when some op could not be lowered (the graph is then incomplete). */
  ok: boolean;
}

export function bindings(eg: ElaboratedGraph, extra: Record<string, Dim | number> = {}): Map<string, Dim> {
  const m = new Map<string, Dim>(Object.entries(eg.dims));
  for (const [k, v] of Object.entries(extra)) m.set(k, typeof v === "number" ? dimConst(v) : v);
  return m;
}

export function lowerGraph(eg: ElaboratedGraph, mode: Mode, b: Builder, options: LowerGraphOptions = {}): LoweredGraph {
  const dim = makeDim(bindings(eg, options.dims));
  const shapeOf = (shape: Dim[], what: string) => shape.map((d) => dim(d, what));
  const tensors = new Map(eg.params.map((p) => [p.name, p]));
  const layers = new Map(eg.layers.map((l) => [l.path, l]));
  const paramNodes = new Map<string, NodeId>();
  let stepNode: NodeId | undefined;
  const ctx: LowerCtx = {
    b,
    mode,
    perExample: options.perExample ?? false,
    dim,
    bufferUpdates: [],
    param(name) {
      const known = paramNodes.get(name);
      if (known !== undefined) return known;
      const t = tensors.get(name);
      if (!t) throw new LowerError("DLM4011", `unknown parameter tensor '${name}'`);
      const shape = shapeOf(t.shape, `a dim of ${name}`);
      const layer = layers.get(t.layer);
      const id = b.at(layer?.span, () => {
        if (options.param) return options.param(t, shape);
        const shapes = Object.fromEntries((layer?.params ?? [t]).map((p) => [p.role, shapeOf(p.shape, `a dim of ${p.name}`)]));
        return b.param(name, shape, initFor(layer?.kind ?? "", t.role, shapes));
      });
      paramNodes.set(name, id);
      return id;
    },
    stream: (opId) => streamOf(options.seed ?? 0, opId),
    step() {
      stepNode ??= options.step ? options.step() : b.at(undefined, () => b.input("step", [], "i32"));
      return stepNode;
    },
  };
  const values = new Map<ValueId, NodeId>();
  const diagnostics: Diagnostic[] = [];
  const out: LoweredGraph = { values, bufferUpdates: ctx.bufferUpdates, diagnostics, ok: true };
  try {
    for (const v of eg.inputs) {
      const shape = shapeOf(v.shape, `a dim of input '${v.name}'`);
      values.set(v.id, options.input ? options.input(v, shape) : b.input(v.name, shape, v.dtype));
    }
  } catch (e) {
    const span = eg.ops[0]?.span;
    if (!(e instanceof LowerError) || !span) throw e;
    diagnostics.push(diagnostic(e.code, e.message, span));
    out.ok = false;
    return out;
  }
  for (const op of eg.ops) {
    const problem = lowerOp(ctx, op, values);
    if (problem) {
      diagnostics.push(problem);
      out.ok = false;
      break;
    }
  }
  return out;
}

function lowerOp(ctx: LowerCtx, op: Op, values: Map<ValueId, NodeId>): Diagnostic | undefined {
  const rule: OpRule | undefined = ruleFor(op.op);
  if (!rule) return diagnostic("DLM4010", `'${op.op}' cannot be lowered to IR yet`, op.span);
  const { b } = ctx;
  const first = b.graph.nodes.length;
  try {
    const ins = op.inputs.map((v) => {
      const n = values.get(v);
      if (n === undefined) throw new LowerError("DLM4011", `${op.op}: input value ${v} was not lowered`);
      return n;
    });
    const outs = b.at(op.span, () => rule(ctx, op, ins));
    if (outs.length !== op.outputs.length) throw new LowerError("DLM4011", `${op.op}: lowered to ${outs.length} results, expected ${op.outputs.length}`);
    op.outputs.forEach((o, i) => {
      const node = outs[i]!;
      const want = o.shape.map((d) => ctx.dim(d, `a dim of ${op.op}'s result`));
      const got = b.type(node);
      // Per-example mode turns scalar losses and metrics (and arithmetic on them) into f32[batch], and the
      // metrics the host aggregates into rows f32[batch, K] (metrics.ts).
      const perExample = ctx.perExample && want.length === 0 && (got.shape.length === 1 || (got.shape.length === 2 && op.op in metricRules));
      if ((!sameShape(got.shape, want) && !perExample) || got.dtype !== o.dtype) {
        throw new LowerError("DLM4011", `${op.op} lowered to ${got.dtype}${shapeText(got.shape)} but the checker typed it ${o.dtype}${shapeText(want)}`);
      }
      values.set(o.id, node);
      const n = b.graph.nodes[node]!;
      if (op.layer && node >= first && n.name === undefined) n.name = op.outputs.length > 1 ? `${op.layer}.${i}` : op.layer;
    });
    return undefined;
  } catch (e) {
    if (e instanceof LowerError) return diagnostic(e.code, `${op.op}: ${e.message}`, op.span);
    if (e instanceof IrError) return diagnostic("DLM4011", `${op.op}: internal lowering error: ${e.message}`, op.span);
    throw e;
  }
}

/**
 * A random call site's stream: its checker op id, mixed with the seed so that another seed draws other
 * dropout masks and noise while one seed stays reproducible (a u32, as the runtime's generator takes).
 */
export function streamOf(seed: number, opId: number): number {
  if (seed === 0) return opId;
  return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) ^ opId) >>> 0;
}
