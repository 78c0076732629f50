// THE ordered list of optimizing passes, and how they run over the step graphs of a compiled program.
//
// Order: simplify → cse → dce.
//  - simplify first: it folds constants and rewrites forms (reshape∘reshape, x*1, a*(b*x)) into canonical
//    ones, which makes more nodes equal for cse (two `neg(const 1)` gradient seeds fold to the same const).
//  - cse next, on the canonical forms.
//  - dce last, once: simplify and cse both leave dead nodes behind and neither needs them gone.
// A second simplify after cse would only catch rewrites that need two operands to be the *same* node
// (select(c, a, a), maximum(x, x)); on the example programs it changes nothing: the pipeline test checks
// that running the whole pipeline twice is a no-op (a fixpoint) on every step graph of every example.
//
// Then the fusion analysis (passes/fuse.ts) runs once on the final graph and sets `kernels` on the step;
// it is listed in `passNames` as "fuse" so `--dump-after fuse` prints the groups with the graph.
//
// Updates: passes only see graph outputs, so `optimizeStep` appends each update as an extra output for
// the duration of the passes (renumbering then moves them like any output) and splits them off at the end.
// After the passes an output or update may name an input, a param or the same node as another output
// (x*1 → x, cse): consumers must not assume they are distinct computed nodes.

import type { Graph } from "./ir/graph.js";
import type { CompiledProgram, ModelProgram, StepGraph, StepName } from "./program/types.js";
import { STEP_NAMES } from "./program/types.js";
import type { Pass, PassContext } from "./passes/pass.js";
import { assertValid } from "./ir/verify.js";
import { printGraph } from "./ir/print.js";
import { csePass } from "./passes/cse.js";
import { dcePass } from "./passes/dce.js";
import { fuseStep, printKernels } from "./passes/fuse.js";
import { simplifyPass } from "./passes/simplify.js";

export const passes: readonly Pass[] = [simplifyPass, csePass, dcePass];

/** The fusion analysis runs after the passes and changes no node; it has a name only for `--dump-after`. */
export const FUSE = "fuse";

/** Pass names in order (the fusion analysis last), for validating `--dump-after`. */
export const passNames: readonly string[] = [...passes.map((p) => p.name), FUSE];

export interface OptimizeOptions {
  /** Print the step graph after this pass (a name from `passNames`). */
  dumpAfter?: string;
  /** Run the IR verifier after every pass (throws IrError naming the pass on a problem). */
  verify?: boolean;
  /** The passes to run, in order (tests run one pass or a subset); default: `passes`. */
  passes?: readonly Pass[];
  /** Run the fusion analysis and set `kernels` on each step (default true). */
  fuse?: boolean;
}

export interface PassDump {
  pass: string;
  /** printGraph of the step graph, followed by an `updates:` line when it has updates. */
  text: string;
}

export interface OptimizedStep {
  step: StepGraph;
  dumps: PassDump[];
}

const STEPS = STEP_NAMES;
export type { StepName };

export interface ProgramDump extends PassDump {
  model: string;
  step: StepName;
}

/** Same as printGraph, plus the updates and kernels: the text of `--emit ir` and `--dump-after`. */
export function printStep(step: StepGraph): string {
  let text = printGraph(step.graph);
  if (step.updates.length > 0) text += `updates: ${step.updates.map((u) => `${u.state}=%${u.node}`).join(", ")}\n`;
  if (step.kernels) text += printKernels(step.kernels);
  return text;
}

export function optimizeStep(step: StepGraph, options: OptimizeOptions = {}): OptimizedStep {
  const list = options.passes ?? passes;
  const fuse = options.fuse ?? true;
  const names = [...list.map((p) => p.name), ...(fuse ? [FUSE] : [])];
  if (options.dumpAfter !== undefined && !names.includes(options.dumpAfter)) {
    throw new RangeError(`unknown pass "${options.dumpAfter}" (passes: ${names.join(", ")})`);
  }
  const ctx: PassContext = { afterAutodiff: true };
  const nOutputs = step.graph.outputs.length;
  const taken = new Set(step.graph.outputs.map((o) => o.name));
  const updateNames = step.updates.map((_, i) => freshName(`update.${i}`, taken));
  let graph: Graph = {
    ...step.graph,
    outputs: [...step.graph.outputs, ...step.updates.map((u, i) => ({ name: updateNames[i]!, node: u.node }))],
  };
  const dumps: PassDump[] = [];
  for (const pass of list) {
    graph = pass.run(graph, ctx);
    if (options.verify) assertValid(graph, pass.name);
    if (pass.name === options.dumpAfter) dumps.push({ pass: pass.name, text: printStep(split(graph, step, nOutputs)) });
  }
  const result = split(graph, step, nOutputs);
  if (fuse) {
    result.kernels = fuseStep(result);
    if (options.dumpAfter === FUSE) dumps.push({ pass: FUSE, text: printStep(result) });
  }
  return { step: result, dumps };
}

function split(graph: Graph, original: StepGraph, nOutputs: number): StepGraph {
  const updates = original.updates.map((u, i) => ({ state: u.state, node: graph.outputs[nOutputs + i]!.node }));
  // Kernels of the input step describe its old numbering: never carried over.
  const { kernels: _stale, ...rest } = original;
  return { ...rest, graph: { ...graph, outputs: graph.outputs.slice(0, nOutputs) }, updates };
}

function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}.${k}`;
  taken.add(name);
  return name;
}

/** Runs the pipeline over every step graph of every model; dumps are tagged with model and step. */
export function optimizeProgram(program: CompiledProgram, options: OptimizeOptions = {}): { program: CompiledProgram; dumps: ProgramDump[] } {
  const dumps: ProgramDump[] = [];
  const models = program.models.map((m): ModelProgram => {
    const next: ModelProgram = { ...m };
    for (const name of STEPS) {
      const s = m[name];
      if (!s) continue;
      const r = optimizeStep(s, options);
      next[name] = r.step;
      for (const d of r.dumps) dumps.push({ model: m.name, step: name, ...d });
    }
    return next;
  });
  return { program: { ...program, models }, dumps };
}
