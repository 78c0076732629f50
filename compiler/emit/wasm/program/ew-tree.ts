// A fused elementwise group of a step graph (a root and the virtual nodes computed inside its loop,
// compiler/plan/fuse-elementwise.ts) → the spec of one f32x4 loop (kernels/elementwise.ts), or null when
// the group has something that loop cannot do (an op without a SIMD form, i32 values, a broadcast that
// is neither scalar, row nor column). A null group runs as a JS thunk, exactly as the TS target runs it.
//
// Broadcasting: the output [d0…dn] is viewed as outer × rows × cols for the first split points at which
// every leaf is, over rows × cols, full, a scalar, a row (broadcast over the leading dims) or a column
// (over the trailing dims), and over the outer dims either walks with the output or is broadcast. The
// kernel handles rows × cols; the outer loop (a conv bias over the batch, say) is the caller's.
//
// IR ops without a SIMD primitive of their own are rewritten: rsqrt x = 1/sqrt x, square x = x·x,
// silu x = x·sigmoid x, leaky_relu x = max(x, α·x) (0 ≤ α ≤ 1), greater(a, b) = maskPos(1, a − b)
// (1 where a − b > 0, also for infinities of opposite sign; NaN and equal infinities give 0 like `>`);
// select(c, a, b) is a bitselect on c ≠ 0 (the TS target's `c !== 0 ? a : b`).

import type { Node, NodeId } from "../../../ir/graph.js";
import { sizeOf } from "../../../ir/shapes.js";
import type { EwExpr, EwInputKind } from "../kernels/elementwise.js";

export interface EwLeaf {
  node: NodeId;
  kind: EwInputKind;
  /** Elements to advance per step of the outer loop (0: the leaf is broadcast over the outer dims). */
  outerStride: number;
}

export interface EwGroup {
  expr: EwExpr;
  /** Materialized inputs, in the order of the kernel's parameters. */
  leaves: EwLeaf[];
  /** The loop is outer × (rows × cols): the kernel runs once per outer step (e.g. a conv bias over N). */
  outer: number;
  rows: number;
  cols: number;
  /** Canonical text of expr and leaf kinds: equal keys can share one kernel function. */
  key: string;
}

export interface EwContext {
  node(id: NodeId): Node;
  virtual: ReadonlySet<NodeId>;
  /** A literal the plan inlined (scalar consts), or undefined for a materialized value. */
  literal(id: NodeId): number | undefined;
}

class Unsupported extends Error {}

export function elementwiseGroup(root: Node, c: EwContext): EwGroup | null {
  try {
    return build(root, c);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

function build(root: Node, c: EwContext): EwGroup {
  if (root.dtype !== "f32") throw new Unsupported();
  const leafIds: NodeId[] = [];
  const tree = (id: NodeId): EwExpr => {
    const n = c.node(id);
    if (n.dtype !== "f32") throw new Unsupported();
    const lit = c.literal(id);
    if (lit !== undefined) return { op: "const", value: lit };
    if (id !== root.id && !c.virtual.has(id)) {
      let k = leafIds.indexOf(id);
      if (k < 0) {
        k = leafIds.length;
        leafIds.push(id);
      }
      return { op: "input", index: k };
    }
    return opExpr(n, n.inputs.map((i) => () => tree(i)));
  };
  const expr = tree(root.id);
  const out = root.shape;
  const shapes = leafIds.map((id) => c.node(id).shape);
  const padded = shapes.map((s) => (s.length > out.length ? null : [...Array<number>(out.length - s.length).fill(1), ...s]));
  if (padded.some((p) => p === null)) throw new Unsupported();
  for (let s1 = 0; s1 <= out.length; s1++) {
    const inner = out.slice(s1);
    const walks = padded.map((p) => outerWalk(p!, out, s1));
    if (walks.some((w) => w === null)) continue;
    for (let split = 0; split <= inner.length; split++) {
      const kinds = padded.map((p) => kindAt(p!.slice(s1), inner, split));
      if (kinds.every((k): k is EwInputKind => k !== null)) {
        const rows = sizeOf(inner.slice(0, split));
        const cols = sizeOf(inner.slice(split));
        const leaves = leafIds.map((node, i) => ({ node, kind: kinds[i]!, outerStride: walks[i] ? sizeOf(padded[i]!.slice(s1)) : 0 }));
        return { expr, leaves, outer: sizeOf(out.slice(0, s1)), rows, cols, key: `${JSON.stringify(expr)}|${kinds.join(",")}` };
      }
    }
  }
  throw new Unsupported();
}

/** Over the outer dims (< s1) a leaf walks with the output (true), is broadcast (false), or neither (null). */
function outerWalk(padded: readonly number[], out: readonly number[], s1: number): boolean | null {
  if (s1 === 0) return false;
  const lead = padded.slice(0, s1);
  if (lead.every((d, i) => d === out[i])) return !lead.every((d) => d === 1);
  if (lead.every((d) => d === 1)) return false;
  return null;
}

/** How a leaf of `shape` is read by a loop over `out` split into rows (dims < split) × cols. */
function kindAt(shape: readonly number[], out: readonly number[], split: number): EwInputKind | null {
  if (sizeOf(shape) === 1) return "scalar";
  if (shape.length > out.length) return null;
  const padded = [...Array<number>(out.length - shape.length).fill(1), ...shape];
  const lead = padded.slice(0, split);
  const trail = padded.slice(split);
  const sameLead = lead.every((d, i) => d === out[i]);
  const sameTrail = trail.every((d, i) => d === out[split + i]);
  const onesLead = lead.every((d) => d === 1);
  const onesTrail = trail.every((d) => d === 1);
  if (sameLead && sameTrail) return "full";
  if (onesLead && sameTrail) return "row";
  if (sameLead && onesTrail) return "col";
  return null;
}

type Arg = () => EwExpr;
const c = (value: number): EwExpr => ({ op: "const", value });

/**
 * erf by Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7, against the runtime's ~1e-15):
 * erf|x| = 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−x²), t = 1/(1 + p·|x|); the sign as
 * maskPos(q, x) − maskPos(q, −x), which is 0 at 0. Repeated subtrees are rebuilt (the tree has no
 * sharing); binaryen's local CSE merges what it can.
 */
export function erfExpr(x: Arg): EwExpr {
  const ax = (): EwExpr => ({ op: "abs", x: x() });
  const t = (): EwExpr => ({ op: "div", a: c(1), b: { op: "add", a: c(1), b: { op: "mul", a: c(0.3275911), b: ax() } } });
  const coeffs = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
  let poly: EwExpr = c(coeffs[4]!);
  for (let i = 3; i >= 0; i--) poly = { op: "add", a: c(coeffs[i]!), b: { op: "mul", a: t(), b: poly } };
  const q = (): EwExpr => ({
    op: "sub",
    a: c(1),
    b: { op: "mul", a: { op: "mul", a: t(), b: poly }, b: { op: "exp", x: { op: "neg", x: { op: "mul", a: ax(), b: ax() } } } },
  });
  return { op: "sub", a: { op: "maskPos", a: q(), b: x() }, b: { op: "maskPos", a: q(), b: { op: "neg", x: x() } } };
}

function opExpr(n: Node, args: Arg[]): EwExpr {
  const x = (): EwExpr => args[0]!();
  const bin = (op: "add" | "sub" | "mul" | "div" | "min" | "max"): EwExpr => ({ op, a: args[0]!(), b: args[1]!() });
  switch (n.op) {
    case "neg":
    case "abs":
    case "sqrt":
    case "relu":
    case "exp":
    case "log":
    case "sigmoid":
    case "tanh":
      return { op: n.op, x: x() };
    case "stop_gradient":
    case "broadcast_to":
      return x();
    case "rsqrt":
      return { op: "div", a: { op: "const", value: 1 }, b: { op: "sqrt", x: x() } };
    case "square":
      return { op: "mul", a: x(), b: x() };
    case "pow":
      if (n.attrs.exponent === 2) return { op: "mul", a: x(), b: x() };
      if (n.attrs.exponent === 1) return x();
      if (n.attrs.exponent === 0.5) return { op: "sqrt", x: x() };
      throw new Unsupported();
    case "silu":
      return { op: "mul", a: x(), b: { op: "sigmoid", x: x() } };
    case "erf":
      return erfExpr(x);
    case "gelu": {
      // 0.5·x·(1 + erf(x/√2))
      const half: Arg = () => ({ op: "mul", a: x(), b: c(Math.SQRT1_2) });
      return { op: "mul", a: { op: "mul", a: x(), b: c(0.5) }, b: { op: "add", a: c(1), b: erfExpr(half) } };
    }
    case "leaky_relu": {
      const alpha = n.attrs.alpha;
      if (!(alpha >= 0 && alpha <= 1)) throw new Unsupported();
      return { op: "max", a: x(), b: { op: "mul", a: x(), b: { op: "const", value: alpha } } };
    }
    case "add":
    case "sub":
    case "mul":
    case "div":
      return bin(n.op);
    case "maximum":
      return bin("max");
    case "minimum":
      return bin("min");
    case "select":
      return { op: "select", c: args[0]!(), a: args[1]!(), b: args[2]!() };
    case "greater": {
      const b = args[1]!();
      const a = args[0]!();
      const diff: EwExpr = b.op === "const" && b.value === 0 ? a : { op: "sub", a, b };
      return { op: "maskPos", a: { op: "const", value: 1 }, b: diff };
    }
    default:
      throw new Unsupported();
  }
}
