// The rewrite rules of the simplify pass (simplify.ts drives them and states the float semantics).
//
// A rule looks at one candidate node {op, inputs, attrs} whose inputs are already simplified nodes of the
// graph being built, and answers with an existing node that already holds the value, a cheaper candidate
// (tried again), or undefined. Rules never change a node's shape or dtype: "x+0 → x" applies only when x
// already has the sum's shape (a broadcasting add is left alone). Rules may add a const (rc.constant).

import type { Node, NodeId } from "../ir/graph.js";
import type { OpAttrs, OpName } from "../ir/op-attrs.js";
import type { DType } from "../ir/shapes.js";
import { inferType } from "../ir/ops.js";
import { broadcastShapes, sameShape } from "../ir/shapes.js";

export type Candidate = { [K in OpName]: { op: K; inputs: NodeId[]; attrs: OpAttrs[K] } }[OpName];

export interface RuleContext {
  /** A node of the graph being built. */
  node(id: NodeId): Node;
  afterAutodiff: boolean;
  /** Appends a const (splat when `values` has one element); `named` gives it the replaced node's name. */
  constant(values: number[], shape: readonly number[], dtype: DType, named?: boolean): NodeId;
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

  switch (c.op) {
    case "add":
      if (isZero(1) && asIs(0) !== undefined) return asIs(0);
      if (isZero(0) && asIs(1) !== undefined) return asIs(1);
      return undefined;
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
