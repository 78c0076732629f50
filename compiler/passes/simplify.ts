// simplify: algebraic simplification and constant folding, in one forward sweep that rebuilds the graph.
//
// Algorithm. Nodes are visited in order (inputs before users) and copied into a fresh graph; `map` sends
// each old id to the new node that now holds its value. For a non-source node, its inputs are mapped
// first (so they are already simplified), then the rules of simplify-rules.ts are tried on the candidate
// {op, inputs, attrs}. A rule either forwards the value to an existing node (x*1 → x), returns a new
// candidate that is tried again (reshape(reshape(x)) → reshape(x), then maybe → x), or does nothing. When
// no rule applies, a candidate whose inputs are all consts is folded by fold-constants.ts; otherwise it is
// emitted. Every rewrite keeps the node's shape and dtype (checked here: a rule that breaks this is a bug
// and throws). A new node takes the span and name of the node it replaces; a value forwarded to an existing
// node keeps that node's own span.
//
// Before: a valid graph. After: a valid graph computing the same outputs (up to the float rules below),
// with sources copied in order (inputs and params are never removed) and possibly some dead nodes —
// a node whose every user was rewritten away is still copied; dce removes it.
//
// Float semantics (f32, IEEE 754). Rewrites that change a result for some input are not done, except
// for the sign of a zero:
//  - x*0 → 0 is NOT done: it is wrong for x = NaN or ±Inf, and NaN must keep propagating so that a
//    diverging run shows up as a NaN loss. (0*x with x a const is folded like any const op.)
//  - x+0, x−0, 0+x → x and 0−x → neg(x) ARE done: they differ only in the sign of a zero result
//    (−0 + 0 = +0), which the language does not promise to keep.
//  - x*1, 1*x, x/1, neg(neg(x)), x*(−1) → neg(x) are exact.
//  - a*(b*x) → (ab)*x for scalar (splat) consts a and b: one rounding instead of two, so the result may
//    differ in the last bit; overflow of ab alone (|ab| > f32 max) is checked and then not folded.
//  - x−x → 0 is NOT done (NaN − NaN and Inf − Inf are NaN).
//  - greater(h, 0) → greater(relu(h), 0) when relu(h) exists (relu's gradient mask) is exact, NaN included.
//  - Constant folding computes in float64 (the reference evaluator) and rounds the result to f32 once:
//    for + − × ÷ √ of f32 values that is exactly the f32 result; for exp, log, tanh… it is the correctly
//    rounded value, which a runtime's f32 kernel may miss by an ulp. Random ops are never folded (each
//    call site owns a stream, and the value depends on the step counter, which is an input).
// Movement rewrites (reshape, transpose, broadcast_to, reductions over no or unit axes, a keepdims
// reduction followed by the reshape that drops the kept axes, pad∘pad, nested concats, a broadcast_to
// feeding an op that broadcasts anyway) are exact. pad(a) + pad(b) side by side → pad(concat(a, b)) (the
// gradient of a split) is exact up to the sign of a zero, like x+0.
// `cast` to its own dtype needs no rule: ops.ts rejects it, so a valid graph never holds one.

import type { Graph, Node, NodeId } from "../ir/graph.js";
import type { OpAttrs, OpName } from "../ir/op-attrs.js";
import type { Pass, PassContext } from "./pass.js";
import { inferType } from "../ir/ops.js";
import { IrError, sameShape, shapeText } from "../ir/shapes.js";
import { foldConstants } from "./fold-constants.js";
import type { Candidate, RuleContext } from "./simplify-rules.js";
import { rewrite } from "./simplify-rules.js";

/** Rules may chain (reshape∘reshape∘reshape…); each step shrinks the candidate, this only bounds a bug. */
const MAX_REWRITES = 64;

export const simplifyPass: Pass = {
  name: "simplify",
  description: "algebraic identities (x*1, reshape∘reshape, transpose∘transpose, …) and constant folding",
  run: simplify,
};

export function simplify(graph: Graph, ctx: PassContext): Graph {
  const out: Graph = { nodes: [], inputs: [], params: [], outputs: [] };
  const map: NodeId[] = new Array<NodeId>(graph.nodes.length);
  const relus = new Map<NodeId, NodeId>();

  // `named`: the node stands for `from` (takes its name too); otherwise it is a helper (a new const).
  const emit = <K extends OpName>(op: K, inputs: NodeId[], attrs: OpAttrs[K], from: Node, named = true): NodeId => {
    const t = inferType(op, inputs.map((i) => out.nodes[i]!), attrs);
    const id = out.nodes.length;
    const node = { id, op, inputs, shape: t.shape, dtype: t.dtype, attrs } as Node;
    if (from.span) node.span = from.span;
    if (named && from.name !== undefined) node.name = from.name;
    out.nodes.push(node);
    if (op === "relu" && !relus.has(inputs[0]!)) relus.set(inputs[0]!, id);
    return id;
  };

  for (const n of graph.nodes) {
    if (n.inputs.length === 0) {
      map[n.id] = emit(n.op, [], n.attrs, n);
      continue;
    }
    const rc: RuleContext = {
      node: (id) => out.nodes[id]!,
      afterAutodiff: ctx.afterAutodiff,
      constant: (values, shape, dtype, named = false) => emit("const", [], { values, shape: [...shape], dtype }, n, named),
      helper: (op, inputs, attrs) => emit(op, inputs, attrs, n, false),
      reluOf: (x) => relus.get(x),
    };
    map[n.id] = simplifyNode(n, { op: n.op, inputs: n.inputs.map((i) => map[i]!), attrs: n.attrs } as Candidate, rc, emit);
  }

  out.inputs = graph.inputs.map((x) => ({ ...x, node: map[x.node]! }));
  out.params = graph.params.map((x) => ({ ...x, node: map[x.node]! }));
  out.outputs = graph.outputs.map((x) => ({ ...x, node: map[x.node]! }));
  return out;
}

type Emit = <K extends OpName>(op: K, inputs: NodeId[], attrs: OpAttrs[K], from: Node, named?: boolean) => NodeId;

function simplifyNode(origin: Node, start: Candidate, rc: RuleContext, emit: Emit): NodeId {
  let cand = start;
  for (let step = 0; step < MAX_REWRITES; step++) {
    const r = rewrite(cand, rc);
    if (r === undefined) break;
    if (typeof r === "number") return expectSameType(origin, rc.node(r), r);
    checkCandidate(origin, r, rc);
    cand = r;
  }
  const folded = foldConstants(cand, rc);
  if (folded !== undefined) return expectSameType(origin, rc.node(folded), folded);
  return emit(cand.op, cand.inputs, cand.attrs as OpAttrs[OpName], origin);
}

function checkCandidate(origin: Node, c: Candidate, rc: RuleContext): void {
  const t = inferType(c.op, c.inputs.map((i) => rc.node(i)), c.attrs as OpAttrs[OpName]);
  expectSameType(origin, t, -1);
}

function expectSameType(origin: Node, t: { shape: number[]; dtype: string }, id: NodeId): NodeId {
  if (!sameShape(t.shape, origin.shape) || t.dtype !== origin.dtype) {
    throw new IrError(`simplify: rewriting %${origin.id} (${origin.op}) changed its type from ${origin.dtype}${shapeText(origin.shape)} to ${t.dtype}${shapeText(t.shape)} (a rule bug)`);
  }
  return id;
}
