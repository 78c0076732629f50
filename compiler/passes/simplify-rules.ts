// The rewrite rules of the simplify pass (simplify.ts drives them and states the float semantics).
//
// A rule looks at one candidate node {op, inputs, attrs} whose inputs are already simplified nodes of the
// graph being built, and answers with an existing node that already holds the value, a cheaper candidate
// (tried again), or undefined. Rules never change a node's shape or dtype: "x+0 → x" applies only when x
// already has the sum's shape (a broadcasting add is left alone). Rules may add a const (rc.constant).

import type { Node, NodeId } from "../ir/graph.js";
import type { OpAttrs, OpName } from "../ir/op-attrs.js";
import type { DType } from "../ir/shapes.js";
import { inferType, ops } from "../ir/ops.js";
import { broadcastShapes, sameShape } from "../ir/shapes.js";

export type Candidate = { [K in OpName]: { op: K; inputs: NodeId[]; attrs: OpAttrs[K] } }[OpName];

export interface RuleContext {
  /** A node of the graph being built. */
  node(id: NodeId): Node;
  afterAutodiff: boolean;
  /** Appends a const (splat when `values` has one element); `named` gives it the replaced node's name. */
  constant(values: number[], shape: readonly number[], dtype: DType, named?: boolean): NodeId;
  /** Appends a helper node (it takes the replaced node's span, not its name). */
  helper<K extends OpName>(op: K, inputs: NodeId[], attrs: OpAttrs[K]): NodeId;
  /** A node already built that computes relu(x), if any. */
  reluOf(x: NodeId): NodeId | undefined;
}

export type Rewrite = NodeId | Candidate | undefined;

/** The value of a const whose elements are all equal (a splat), else undefined. */
export function splatValue(n: Node): number | undefined {
  if (n.op !== "const") return undefined;
  const v = n.attrs.values;
  const first = v[0];
  if (first === undefined) return undefined;
  for (const x of v) if (!Object.is(x, first)) return undefined;
  return first;
}

const isIdentityPerm = (p: readonly number[]): boolean => p.every((x, i) => x === i);

export function rewrite(c: Candidate, rc: RuleContext): Rewrite {
  const out = inferType(c.op, c.inputs.map((i) => rc.node(i)), c.attrs as OpAttrs[OpName]);
  const n = (i: number): Node => rc.node(c.inputs[i]!);
  const splat = (i: number): number | undefined => splatValue(n(i));
  /** Input i, if it alone already has the node's type. */
  const asIs = (i: number): NodeId | undefined => (sameShape(n(i).shape, out.shape) && n(i).dtype === out.dtype ? c.inputs[i]! : undefined);
  const isZero = (i: number) => splat(i) === 0; // matches −0 too: see the header of simplify.ts
  const isOne = (i: number) => splat(i) === 1;
  const f32 = out.dtype === "f32";

  // A broadcasting op broadcasts by itself: broadcast_to on its input only costs a copy.
  const groups = ops[c.op].groups;
  if (groups.includes("elementwise") && groups.includes("broadcasting")) {
    for (let i = 0; i < c.inputs.length; i++) {
      const x = n(i);
      if (x.op !== "broadcast_to") continue;
      const inputs = c.inputs.map((id, k) => (k === i ? x.inputs[0]! : id));
      const t = inferType(c.op, inputs.map((id) => rc.node(id)), c.attrs as OpAttrs[OpName]);
      if (sameShape(t.shape, out.shape)) return { ...c, inputs } as Candidate;
    }
  }

  switch (c.op) {
    case "add":
      if (isZero(1) && asIs(0) !== undefined) return asIs(0);
      if (isZero(0) && asIs(1) !== undefined) return asIs(1);
      return padsToConcat(n(0), n(1), out.shape, rc);
    case "pad": {
      if (c.attrs.pads.every(([lo, hi]) => lo === 0 && hi === 0)) return c.inputs[0]!;
      const x = n(0);
      if (x.op === "pad") return { op: "pad", inputs: [x.inputs[0]!], attrs: { pads: c.attrs.pads.map(([lo, hi], k) => [lo + x.attrs.pads[k]![0], hi + x.attrs.pads[k]![1]]) } };
      return undefined;
    }
    case "concat": {
      if (c.inputs.length === 1) return c.inputs[0]!;
      const axis = c.attrs.axis;
      if (!c.inputs.some((_, i) => n(i).op === "concat" && (n(i).attrs as { axis: number }).axis === axis)) return undefined;
      const inputs = c.inputs.flatMap((id, i) => {
        const x = n(i);
        return x.op === "concat" && x.attrs.axis === axis ? x.inputs : [id];
      });
      return { op: "concat", inputs, attrs: { axis } };
    }
    case "sub":
      if (isZero(1) && asIs(0) !== undefined) return asIs(0);
      if (f32 && isZero(0) && asIs(1) !== undefined) return { op: "neg", inputs: [c.inputs[1]!], attrs: {} };
      return undefined;
    case "mul":
      return mulRule(c.inputs, out.shape, f32, rc);
    case "div":
      if (isOne(1) && asIs(0) !== undefined) return asIs(0);
      return undefined;
    case "neg": {
      const x = n(0);
      if (x.op === "neg") return x.inputs[0]!;
      if (x.op === "mul") return scaledBy(x.inputs, -1, rc);
      return undefined;
    }
    case "relu":
      return n(0).op === "relu" ? c.inputs[0]! : undefined;
    case "greater": {
      // relu's gradient mask h > 0 equals relu(h) > 0 (NaN included: both 0). Reading the relu output,
      // which backward keeps anyway, leaves h one user, so it need not be stored: the forward matmul,
      // bias add and relu become one kernel (fuse.ts).
      const r = isZero(1) && n(0).op !== "relu" ? rc.reluOf(c.inputs[0]!) : undefined;
      return r === undefined ? undefined : { op: "greater", inputs: [r, c.inputs[1]!], attrs: {} };
    }
    case "pow":
      return c.attrs.exponent === 1 ? c.inputs[0]! : undefined;
    case "maximum":
    case "minimum":
      return c.inputs[0] === c.inputs[1] ? asIs(0) : undefined;
    case "select": {
      if (c.inputs[1] === c.inputs[2] && asIs(1) !== undefined) return asIs(1);
      const cond = splat(0);
      // The reference (and the kernels) take any non-zero condition, NaN included, as true.
      if (cond !== undefined) return asIs(cond !== 0 ? 1 : 2);
      return undefined;
    }
    case "stop_gradient":
      return rc.afterAutodiff ? c.inputs[0]! : undefined;
    case "reshape": {
      if (asIs(0) !== undefined) return asIs(0);
      const x = n(0);
      if (x.op === "reshape") return { op: "reshape", inputs: [x.inputs[0]!], attrs: c.attrs };
      // Autodiff's unbroadcast: sum(g, keepdims) then a reshape dropping the kept axes = sum without keepdims.
      if ((x.op === "sum" || x.op === "mean" || x.op === "max") && x.attrs.keepdims) {
        const dropped = x.shape.filter((_, i) => !x.attrs.axes.includes(i));
        if (sameShape(dropped, out.shape)) return { op: x.op, inputs: [x.inputs[0]!], attrs: { axes: x.attrs.axes, keepdims: false } };
      }
      return undefined;
    }
    case "transpose": {
      if (isIdentityPerm(c.attrs.perm)) return c.inputs[0]!;
      const x = n(0);
      // y = transpose(x, p) has y[i] = x[p[i]]; transpose(y, q) then has axis i = x's axis p[q[i]].
      if (x.op === "transpose") return { op: "transpose", inputs: [x.inputs[0]!], attrs: { perm: c.attrs.perm.map((q) => x.attrs.perm[q]!) } };
      return undefined;
    }
    case "broadcast_to": {
      if (asIs(0) !== undefined) return asIs(0);
      const x = n(0);
      if (x.op === "broadcast_to") return { op: "broadcast_to", inputs: [x.inputs[0]!], attrs: c.attrs };
      return undefined;
    }
    case "sum":
    case "mean":
    case "max": {
      // Reducing axes of size 1 (or none) moves no data: x itself, or a reshape dropping those axes.
      const x = n(0);
      if (!c.attrs.axes.every((a) => x.shape[a] === 1)) return undefined;
      return asIs(0) ?? { op: "reshape", inputs: [c.inputs[0]!], attrs: { shape: [...out.shape] } };
    }
    default:
      return undefined;
  }
}

/**
 * pad(a) + pad(b) where the pads differ from zero on one axis only and place a and b side by side there
 * (slice's gradient, e.g. of a fused q/k/v projection split in three) = pad(concat(a, b)): the zeros
 * added are exact, except for the sign of a zero, see simplify.ts. Chains of three become one concat
 * (with the concat and pad rules).
 */
function padsToConcat(a: Node, b: Node, shape: number[], rc: RuleContext): Rewrite {
  if (a.op !== "pad" || b.op !== "pad" || !sameShape(a.shape, shape) || !sameShape(b.shape, shape)) return undefined;
  const axisOf = (pads: readonly (readonly number[])[]) => {
    const moved = pads.flatMap((p, k) => (p[0] !== 0 || p[1] !== 0 ? [k] : []));
    return moved.length === 1 ? moved[0]! : undefined;
  };
  const k = axisOf(a.attrs.pads);
  if (k === undefined || axisOf(b.attrs.pads) !== k) return undefined;
  const range = (p: Node & { op: "pad" }) => [p.attrs.pads[k]![0], p.attrs.pads[k]![0] + rc.node(p.inputs[0]!).shape[k]!] as const;
  const [ra, rb] = [range(a), range(b)];
  const [first, second] = ra[1] === rb[0] ? [a, b] : rb[1] === ra[0] ? [b, a] : [undefined, undefined];
  if (!first || !second) return undefined;
  const parts = [first.inputs[0]!, second.inputs[0]!].flatMap((id) => {
    const x = rc.node(id);
    return x.op === "concat" && x.attrs.axis === k ? x.inputs : [id];
  });
  const joined = rc.helper("concat", parts, { axis: k });
  const pads = shape.map((_, i): [number, number] => (i === k ? [first.attrs.pads[k]![0], second.attrs.pads[k]![1]] : [0, 0]));
  return { op: "pad", inputs: [joined], attrs: { pads } };
}

function mulRule(inputs: NodeId[], shape: number[], f32: boolean, rc: RuleContext): Rewrite {
  const [a, b] = inputs as [NodeId, NodeId];
  for (const [k, x] of [[b, a], [a, b]] as const) {
    const v = splatValue(rc.node(k));
    if (v === undefined) continue;
    const xs = rc.node(x);
    const fits = sameShape(xs.shape, shape);
    if (v === 1 && fits) return x;
    if (!f32) continue;
    if (v === -1 && fits) return { op: "neg", inputs: [x], attrs: {} };
    // c·(d·y) → (cd)·y and c·(−y) → (−c)·y: the constant gathers into one node.
    if (xs.op === "mul") {
      const r = scaledBy(xs.inputs, v, rc, rc.node(k).shape);
      if (r !== undefined) return r;
    }
    if (xs.op === "neg") return { op: "mul", inputs: [xs.inputs[0]!, rc.constant([-v], rc.node(k).shape, "f32")], attrs: {} };
  }
  return undefined;
}

/**
 * c·(y·d) for the inputs [y, d] (either order) of an f32 mul with a splat const d: the candidate y·(cd),
 * with cd a splat of the two consts' broadcast shape; undefined when neither input is a splat or when
 * cd over- or underflows where c and d alone do not (then the two roundings matter).
 */
function scaledBy(inner: NodeId[], c: number, rc: RuleContext, cShape: readonly number[] = []): Rewrite {
  for (const [k, y] of [[inner[1]!, inner[0]!], [inner[0]!, inner[1]!]] as const) {
    const d = splatValue(rc.node(k));
    if (d === undefined || rc.node(y).dtype !== "f32") continue;
    const cd = Math.fround(c * d);
    if (Number.isFinite(c) && Number.isFinite(d) && !Number.isFinite(cd)) return undefined;
    if (c !== 0 && d !== 0 && cd === 0) return undefined;
    const shape = broadcastShapes([cShape, rc.node(k).shape], "simplify");
    return { op: "mul", inputs: [y, rc.constant([cd], shape, "f32")], attrs: {} };
  }
  return undefined;
}
