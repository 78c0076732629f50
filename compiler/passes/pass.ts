// The Pass interface every optimizing pass implements, and the context the pipeline hands it.
//
// A pass is a pure function Graph → Graph: it never mutates its input (tests compare before and after) and
// returns a graph that satisfies every invariant of ir/graph.ts (ir/verify.ts checks it after each pass when
// the pipeline is asked to). Passes see only `graph.outputs` as roots: the pipeline turns a StepGraph's
// `updates` into extra outputs for the duration of the passes, so a pass need not know about state.
// Input and param nodes are the step's API and the checkpoint's names: no pass may remove or merge them.

import type { Graph } from "../ir/graph.js";

export interface PassContext {
  /**
   * True when the graph has already been differentiated: stop_gradient has done its job and may be
   * treated as the identity. The pipeline always runs after autodiff, so it sets this.
   */
  afterAutodiff: boolean;
}

export interface Pass {
  /** Unique kebab-case name, as `dlm compile --emit ir --dump-after NAME` spells it. */
  name: string;
  /** One line for `--help` and the pipeline listing. */
  description: string;
  run(graph: Graph, ctx: PassContext): Graph;
}

export const defaultPassContext: PassContext = { afterAutodiff: true };
