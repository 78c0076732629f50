// The shape of a gradient rule. A rule sees the forward node (its id is the forward output y), the gradient
// `dy` of the loss with respect to y, and which inputs need a gradient; it returns one gradient per input,
// built with the builder from ordinary IR ops (no run-time tape), or null where no gradient flows (indices,
// masks) or none is needed. Gradients must have exactly the input's shape: rules of broadcasting ops
// sum-reduce with `unbroadcast`.

import type { Builder } from "../ir/builder.js";
import type { NodeId, NodeOf } from "../ir/graph.js";
import type { OpName } from "../ir/op-attrs.js";

export interface RuleContext<K extends OpName> {
  b: Builder;
  node: NodeOf<K>;
  dy: NodeId;
  /** needs[i]: input i lies on a path from a `wrt` tensor, so its gradient is wanted. */
  needs: readonly boolean[];
}

export type GradRule<K extends OpName> = (ctx: RuleContext<K>) => (NodeId | null)[];

/** A group of rules: one entry per op of the group. */
export type RuleTable<K extends OpName> = { [P in K]: GradRule<P> };

/** The merged table. Partial in type only: the completeness test requires a rule for every op that ops.ts
 *  marks differentiable, and `differentiate` reports a missing one as an AutodiffError. */
export type Rules = { [P in OpName]?: GradRule<P> };
