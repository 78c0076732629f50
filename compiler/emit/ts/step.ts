// One step graph → the body of one private method (`runPredict`, `runEvaluate`, `runTrain`): the needed
// nodes in graph order, each as the statements op-code.ts makes for it, grouped under one comment per
// `.dlm` line (`// hidden = Dense(256)  (mlp.dlm:8)`), gradient and update code marked as such.
//
// A long step comes in parts, each a method of its own: V8 never optimizes a function whose bytecode is
// over a size limit (TurboFan's is 60 KiB), and unoptimized code boxes every float it computes, so an
// unrolled LSTM's train step of 11,000 lines ran in the interpreter, allocated megabytes per step and was
// several times slower. Parts end at node boundaries (every node's code is a block of its own).

import type { Node, NodeId } from "../../ir/graph.js";
import type { ModelProgram } from "../../program/types.js";
import type { StepPlan } from "../../plan/step-values.js";
import { stateKey } from "../../plan/step-values.js";
import { sizeOf } from "../../ir/shapes.js";
import type { ClassContext } from "./context.js";
import type { PoolPairs, StepEmitter } from "./op-code.js";
import { EmitError, emitNode, numberLiteral } from "./op-code.js";
import { commentText } from "./names.js";

export interface SourceText {
  /** Text of a 1-based line of a `.dlm` file, if known. */
  line(file: string, line: number): string | undefined;
}

/** The field holding a state tensor's view. */
export function stateView(cls: ClassContext, model: ModelProgram, name: string): string {
  const st = model.state.find((s) => s.name === name);
  if (!st) throw new EmitError(`unknown state tensor "${name}"`);
  return cls.view(stateKey(name), st.dtype, sizeOf(st.shape), name, commentText(`${name}: ${st.dtype}[${st.shape.join(", ")}]${st.role === "param" ? "" : ` (${st.role})`}`));
}

export function makeStepEmitter(cls: ClassContext, model: ModelProgram, plan: StepPlan, pairs: PoolPairs): StepEmitter {
  const g = plan.graph;
  const node = (id: NodeId): Node => {
    const n = g.nodes[id];
    if (!n) throw new EmitError(`no node %${id}`);
    return n;
  };
  const layer = (id: NodeId): string | undefined => {
    for (const i of node(id).inputs) {
      const p = node(i);
      if (p.op !== "param") continue;
      const st = model.state.find((t) => t.name === p.attrs.name);
      if (st?.role === "param") return st.layer ?? st.name.replace(/\.[^.]*$/, "");
    }
    return undefined;
  };
  const hint = (id: NodeId): string => {
    const n = node(id);
    // (the step counter input would be `trainStep`, the method's name)
    if (n.op === "input" && n.attrs.name === "step") return `${plan.step}_step_counter`;
    if (n.name !== undefined && n.name !== "") return `${plan.step}_${n.name}`;
    const l = layer(id);
    return l !== undefined ? `${plan.step}_${l}_${n.op}` : `${plan.step}_${n.op}${id}`;
  };
  const em: StepEmitter = {
    cls,
    mod: cls.module,
    node,
    hint,
    layer,
    pairs,
    virtual: plan.virtual,
    arr(id) {
      const st = plan.storage.get(id);
      const n = node(id);
      if (!st) throw new EmitError(`${plan.step}: %${id} (${n.op}) has no storage`);
      if (st.kind === "literal") throw new EmitError(`${plan.step}: %${id} is an inlined literal but a kernel reads it`);
      if (st.kind === "state") {
        const state = model.state.find((s) => s.name === st.name)!;
        if (sizeOf(state.shape) === sizeOf(n.shape) && state.dtype === n.dtype) return stateView(cls, model, st.name);
        throw new EmitError(`${plan.step}: %${id} does not match state ${st.name}`);
      }
      return cls.view(st.key, n.dtype, sizeOf(n.shape), rootHint(id), commentText(`${plan.step} %${id}: ${n.dtype}[${n.shape.join(", ")}]`));
    },
    operand(id) {
      const st = plan.storage.get(id);
      if (st?.kind === "literal") return { array: null, literal: numberLiteral(st.value) };
      return { array: em.arr(id) };
    },
    scratch(id, name) {
      const req = plan.scratch.get(id)?.find((q) => q.name === name);
      if (!req) throw new EmitError(`${plan.step}: %${id} has no scratch "${name}"`);
      return cls.view(req.key, req.dtype, req.length, `${hint(id)}_${name}`);
    },
  };
  // Aliases (reshape) take the field name of the node that made the bytes.
  function rootHint(id: NodeId): string {
    let n = node(id);
    while ((n.op === "reshape" || n.op === "stop_gradient") && plan.storage.get(n.inputs[0]!) === plan.storage.get(id)) n = node(n.inputs[0]!);
    return hint(n.id);
  }
  return em;
}

/** Characters of source per part: well below V8's bytecode limit for optimization, whatever the ops. */
export const PART_CHARS = 4_000;

/** The step's statements, one comment per `.dlm` line region, in parts of about PART_CHARS characters at most. */
export function stepBody(em: StepEmitter, plan: StepPlan, source: SourceText | undefined): string[][] {
  const g = plan.graph;
  // Nodes the outputs need are "forward"; the rest of a train step is gradients and updates.
  const forward = g.nodes.map(() => false);
  const stack = g.outputs.map((o) => o.node);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (forward[id]) continue;
    forward[id] = true;
    stack.push(...g.nodes[id]!.inputs);
  }
  const parts: string[][] = [];
  let out: string[] = [];
  let chars = 0;
  let region = "";
  for (const id of plan.order) {
    const n = g.nodes[id]!;
    const code = emitNode(n, em);
    if (code.length === 0) continue;
    const size = code.reduce((s, line) => s + line.length, 0);
    const label = regionLabel(n, forward[id]!, source);
    const opens = label !== region && label !== "";
    // A part past half its size ends where a `.dlm` line's code begins, so parts read as whole lines.
    if (chars > 0 && (chars + size > PART_CHARS || (opens && 2 * chars > PART_CHARS))) {
      parts.push(out);
      out = !opens && region !== "" ? [`// ${region} (continued)`] : [];
      chars = 0;
    }
    if (opens) {
      out.push(`// ${label}`);
      region = label;
    }
    out.push(...code);
    chars += size;
  }
  parts.push(out);
  return parts;
}

function regionLabel(n: Node, isForward: boolean, source: SourceText | undefined): string {
  const span = n.span;
  if (!span) return isForward ? "" : "gradients and updates";
  const file = span.file.split(/[\\/]/).pop() ?? span.file;
  const text = source?.line(span.file, span.start.line)?.trim();
  const where = `(${file}:${span.start.line})`;
  const what = text !== undefined && text !== "" ? `${text}  ${where}` : n.name !== undefined ? `${n.name}  ${where}` : where;
  return commentText(isForward ? what : `gradient of ${what}`);
}
