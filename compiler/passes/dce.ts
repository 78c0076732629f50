// dce: dead code elimination.
//
// Algorithm. Mark every node the graph outputs need (a depth-first walk over inputs from the output
// nodes; the pipeline has made a StepGraph's `updates` extra outputs, so they count) plus every input and
// param node, then drop the rest and renumber (graph.ts `compact`, order kept).
//
// Inputs and params stay even when nothing reads them: the generated API takes every input by name and a
// checkpoint holds every param, so removing one would change the program's interface, not just its cost.
//
// Before: a valid graph, possibly with nodes nothing uses (simplify and cse leave some). After: a valid
// graph where every node is an input, a param, or needed by an output; same outputs.

import type { Graph } from "../ir/graph.js";
import type { Pass } from "./pass.js";
import { compact, reachableFrom } from "../ir/graph.js";

export const dcePass: Pass = {
  name: "dce",
  description: "drop nodes no output or update needs (inputs and params always stay)",
  run: dce,
};

export function dce(graph: Graph): Graph {
  const keep = reachableFrom(graph, graph.outputs.map((o) => o.node));
  for (const n of graph.nodes) if (n.op === "input" || n.op === "param") keep[n.id] = true;
  return compact(graph, keep).graph;
}
