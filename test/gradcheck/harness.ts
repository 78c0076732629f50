// Gradient checking in float64, like torch.autograd.gradcheck: the AD gradient (the `differentiate` pass,
// then the reference evaluator) against central finite differences of the reference forward pass.
//
// A case builds a small graph from named inputs; the harness reduces its output to a scalar with fixed
// random weights (so every output element matters and no symmetry hides a wrong sign), differentiates
// with respect to every f32 input, verifies the IR before and after, and compares element by element.

import type { NodeId } from "../../compiler/ir/graph.js";
import type { OpName } from "../../compiler/ir/op-attrs.js";
import type { RefTensor } from "../../compiler/ir/reference.js";
import type { Rules } from "../../compiler/autodiff/rule.js";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { Builder } from "../../compiler/ir/builder.js";
import { evaluate } from "../../compiler/ir/reference.js";
import { sizeOf } from "../../compiler/ir/shapes.js";
import { assertValid } from "../../compiler/ir/verify.js";

/** How to draw an input: signed in [−1, 1], positive in [0.5, 2], away from 0 (|x| in [0.2, 1]), or given. */
export type Draw = "signed" | "positive" | "away";

export interface InputSpec {
  shape: number[];
  dtype?: "f32" | "i32";
  draw?: Draw;
  /** Exact values (required for i32 inputs). */
  values?: number[];
  /** Leave this f32 input out of `wrt`. */
  constant?: boolean;
}

export interface GradCase {
  name: string;
  /** The op under test; the harness checks the built graph contains it. */
  op: OpName;
  inputs: Record<string, InputSpec>;
  build(b: Builder, x: Record<string, NodeId>): NodeId;
}

export const EPS = 1e-6;
export const ATOL = 1e-5;
export const RTOL = 1e-3;

/** mulberry32: a tiny seeded generator, so every run draws the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(spec: InputSpec, r: () => number): number[] {
  if (spec.values) return spec.values;
  return Array.from({ length: sizeOf(spec.shape) }, () => {
    const u = r();
    if (spec.draw === "positive") return 0.5 + 1.5 * u;
    if (spec.draw === "away") return (r() < 0.5 ? -1 : 1) * (0.2 + 0.8 * u);
    return 2 * u - 1;
  });
}

export interface Mismatch {
  input: string;
  index: number;
  ad: number;
  fd: number;
}

export interface GradcheckResult {
  checked: number;
  mismatches: Mismatch[];
  independent: NodeId[];
  opPresent: boolean;
}

export function gradcheck(c: GradCase, seed = 1, rules?: Rules): GradcheckResult {
  const r = rng(seed);
  const b = new Builder();
  const ids: Record<string, NodeId> = {};
  const values: Record<string, number[]> = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    ids[name] = b.input(name, spec.shape, spec.dtype ?? "f32");
    values[name] = draw(spec, r);
  }
  const out = c.build(b, ids);
  const weights = b.const(draw({ shape: b.shape(out) }, r), [...b.shape(out)]);
  const loss = b.sum(b.mul(out, weights));
  assertValid(b.graph, `building ${c.name}`);
  const opPresent = b.graph.nodes.some((n) => n.op === c.op);

  const wrtNames = Object.keys(c.inputs).filter((n) => (c.inputs[n]!.dtype ?? "f32") === "f32" && !c.inputs[n]!.constant);
  const d = differentiate(b.graph, { loss, wrt: wrtNames.map((n) => ids[n]!), ...(rules ? { rules } : {}) });
  assertValid(d.graph, `differentiate(${c.name})`);

  const adValues = evaluate(d.graph, values, {}, [...d.gradOf.values()]);
  const lossAt = (vals: Record<string, number[]>): number => evaluate(b.graph, vals, {}, [loss])[loss]!.data[0]!;

  const mismatches: Mismatch[] = [];
  let checked = 0;
  for (const name of wrtNames) {
    const g = d.gradOf.get(ids[name]!);
    if (g === undefined) continue;
    const ad = (adValues[g] as RefTensor).data;
    const base = values[name]!;
    for (let i = 0; i < base.length; i++) {
      const plus = [...base];
      const minus = [...base];
      plus[i] = base[i]! + EPS;
      minus[i] = base[i]! - EPS;
      const fd = (lossAt({ ...values, [name]: plus }) - lossAt({ ...values, [name]: minus })) / (2 * EPS);
      checked++;
      if (!(Math.abs(ad[i]! - fd) <= ATOL + RTOL * Math.abs(fd))) mismatches.push({ input: name, index: i, ad: ad[i]!, fd });
    }
  }
  return { checked, mismatches, independent: d.independent, opPresent };
}
