// Where each value of a model's step graphs lives, and for how long: the input of the memory plan.
//
// Per step graph (predict, evaluate, train, and inputGradient/saliency when lowered) this decides, for every node the outputs and updates need:
// - `param` nodes read a state tensor: storage is the state itself;
// - `reshape` and `stop_gradient` are free aliases of their input (same bytes, another shape);
// - a scalar-valued `const` whose users are all elementwise is inlined as a literal (no storage);
//   other consts get a slot filled once when the model is created;
// - an update `state := node` is written in place (the node's storage is the state) when the node is an
//   elementwise op of the state's shape and dtype and nothing reads the old state after it; otherwise
//   the node gets a slot and the step copies it into the state at its end;
// - everything else gets an arena slot live from its definition to its last use (outputs and update
//   sources to the end of the step; inputs from the start, since the step copies them in first).
// Steps never run at the same time, so each gets its own range of positions and their slots can share
// bytes. Kernel scratch (im2col buffers, pooling argmax…) is requested by the emitter through `scratchOf`.

import type { Graph, Node, NodeId } from "../ir/graph.js";
import type { ModelProgram, StepGraph } from "../program/types.js";
import type { DType } from "../ir/shapes.js";
import { ops } from "../ir/ops.js";
import { sizeOf } from "../ir/shapes.js";
import type { BufferRequest, MemoryPlan } from "./plan-memory.js";
import { packBuffers } from "./plan-memory.js";
import { virtualNodes } from "./fuse-elementwise.js";

import type { StepName } from "../program/types.js";
import { STEP_NAMES } from "../program/types.js";
export { STEP_NAMES };
export type { StepName };

export type Storage =
  | { kind: "state"; name: string }
  | { kind: "slot"; key: string }
  | { kind: "literal"; value: number };

export interface ScratchRequest {
  name: string;
  dtype: DType;
  length: number;
  /** Keep the buffer alive until this node has run (default: only during the requesting node). */
  until?: NodeId;
}

export type ScratchOf = (node: Node, graph: Graph) => ScratchRequest[];

export interface StepPlan {
  step: StepName;
  graph: Graph;
  /** Nodes the outputs and updates depend on, in execution order. */
  order: NodeId[];
  /** Storage of each needed node (aliases resolved to their root's storage). */
  storage: Map<NodeId, Storage>;
  /** Updates written in place (nothing to copy at the end of the step). */
  inPlace: Set<string>;
  /** Scratch buffers per node, with their slot keys. */
  scratch: Map<NodeId, Array<ScratchRequest & { key: string }>>;
  /** Elementwise nodes computed inside their user's loop (fuse-elementwise.ts): no storage. */
  virtual: Set<NodeId>;
}

export interface SlotInfo {
  dtype: DType;
  length: number;
}

export interface ModelPlan extends MemoryPlan {
  steps: StepPlan[];
  /** Element type and count of every slot, by key. */
  info: Map<string, SlotInfo>;
}

export const stateKey = (name: string): string => `state:${name}`;
const valueKey = (step: StepName, id: NodeId): string => `${step}:%${id}`;

const ALIAS_OPS = new Set(["reshape", "stop_gradient"]);
/** Ops whose output element i reads only element i of each same-shaped input: safe to write in place. */
const isElementwise = (n: Node): boolean => ops[n.op].groups.includes("elementwise") && !ALIAS_OPS.has(n.op);

/** Nodes reachable from the step's outputs and updates (the rest is dead and emits nothing). */
function neededNodes(s: StepGraph): boolean[] {
  const g = s.graph;
  const seen = g.nodes.map(() => false);
  const stack = [...g.outputs.map((o) => o.node), ...s.updates.map((u) => u.node)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = true;
    for (const i of g.nodes[id]!.inputs) stack.push(i);
  }
  return seen;
}

export interface PlanOptions {
  /** Fuse elementwise chains into their users' loops (default true). */
  fuse?: boolean;
}

export function planModel(model: ModelProgram, scratchOf: ScratchOf = () => [], options: PlanOptions = {}): ModelPlan {
  const requests: BufferRequest[] = [];
  const info = new Map<string, SlotInfo>();
  const ALWAYS = { first: 0, last: Number.MAX_SAFE_INTEGER };
  for (const s of model.state) {
    const length = sizeOf(s.shape);
    requests.push({ key: stateKey(s.name), bytes: 4 * length, ...ALWAYS });
    info.set(stateKey(s.name), { dtype: s.dtype, length });
  }
  const steps: StepPlan[] = [];
  let base = 1;
  for (const step of STEP_NAMES) {
    const sg = model[step];
    if (!sg) continue;
    const plan = planStep(step, sg, model, scratchOf, base, requests, info, options.fuse ?? true);
    steps.push(plan);
    base += sg.graph.nodes.length + 3;
  }
  const packed = packBuffers(requests);
  return { ...packed, steps, info };
}

function planStep(step: StepName, sg: StepGraph, model: ModelProgram, scratchOf: ScratchOf, base: number,
  requests: BufferRequest[], info: Map<string, SlotInfo>, fuse: boolean): StepPlan {
  const g = sg.graph;
  const needed = neededNodes(sg);
  const virtual = fuse ? virtualNodes(sg, needed) : new Set<NodeId>();
  const order = g.nodes.filter((n) => needed[n.id]).map((n) => n.id);
  const pos = (id: NodeId): number => base + 1 + id;
  const end = base + g.nodes.length + 1;

  // Alias roots and users (over needed nodes only).
  const root = g.nodes.map((n) => n.id);
  for (const id of order) {
    const n = g.nodes[id]!;
    if (ALIAS_OPS.has(n.op)) root[id] = root[n.inputs[0]!]!;
  }
  const users: NodeId[][] = g.nodes.map(() => []);
  for (const id of order) for (const i of new Set(g.nodes[id]!.inputs)) users[i]!.push(id);

  // Last position at which each root's bytes are read (through any alias).
  const lastUse = new Map<NodeId, number>();
  // A virtual node is computed in its root's loop, so what it reads is read there.
  const touch = (id: NodeId, at: number): void => {
    if (virtual.has(id)) {
      for (const i of g.nodes[id]!.inputs) touch(i, at);
      return;
    }
    const r = root[id]!;
    lastUse.set(r, Math.max(lastUse.get(r) ?? pos(r), at));
  };
  for (const id of order) {
    if (virtual.has(id)) continue;
    touch(id, pos(id));
    for (const i of g.nodes[id]!.inputs) touch(i, pos(id));
  }
  for (const o of g.outputs) touch(o.node, end);

  const storage = new Map<NodeId, Storage>();
  const stateOfParam = (n: Node): string => (n.op === "param" ? n.attrs.name : "");

  // In-place updates.
  const inPlace = new Set<string>();
  const writtenInPlace = new Set<NodeId>();
  const paramNode = new Map<string, NodeId>();
  for (const id of order) {
    const n = g.nodes[id]!;
    if (n.op === "param") paramNode.set(n.attrs.name, id);
  }
  for (const u of sg.updates) {
    const n = g.nodes[u.node]!;
    const st = model.state.find((s) => s.name === u.state);
    if (!st) throw new Error(`plan: update of unknown state "${u.state}" in ${step}`);
    if (writtenInPlace.has(u.node) || !isElementwise(n) || n.dtype !== st.dtype || !sameShape(n.shape, st.shape)) continue;
    if (g.outputs.some((o) => root[o.node] === u.node)) continue;
    const p = paramNode.get(u.state);
    if (p !== undefined) {
      if ((lastUse.get(p) ?? 0) > pos(u.node)) continue;
      // u may read the old state only element for element (through its fused tree too).
      const readsOld = leavesOf(u.node, g, virtual).filter((i) => root[i] === p);
      if (readsOld.some((i) => !sameShape(g.nodes[i]!.shape, n.shape))) continue;
    }
    writtenInPlace.add(u.node);
    inPlace.add(u.state);
    storage.set(u.node, { kind: "state", name: u.state });
  }

  const scratch = new Map<NodeId, Array<ScratchRequest & { key: string }>>();
  for (const id of order) {
    const n = g.nodes[id]!;
    if (root[id] !== id || virtual.has(id)) continue;
    if (storage.has(id)) continue;
    if (n.op === "param") {
      storage.set(id, { kind: "state", name: stateOfParam(n) });
      continue;
    }
    if (n.op === "const" && n.attrs.values.length === 1 && usedOnlyElementwise(id, users, root, g)) {
      storage.set(id, { kind: "literal", value: n.attrs.values[0]! });
      continue;
    }
    const key = valueKey(step, id);
    const length = sizeOf(n.shape);
    info.set(key, { dtype: n.dtype, length });
    storage.set(id, { kind: "slot", key });
    if (n.op === "const") {
      requests.push({ key, bytes: 4 * length, first: 0, last: Number.MAX_SAFE_INTEGER });
      continue;
    }
    const first = n.op === "input" ? base : pos(id);
    let last = lastUse.get(id) ?? pos(id);
    if (sg.updates.some((u) => root[u.node] === id)) last = end;
    requests.push({ key, bytes: 4 * length, first, last });
  }
  for (const id of order) {
    if (virtual.has(id)) continue;
    const r = root[id]!;
    if (r !== id) storage.set(id, storage.get(r)!);
    const n = g.nodes[id]!;
    const reqs = scratchOf(n, g);
    if (reqs.length === 0) continue;
    const list = reqs.map((q) => {
      const key = `${step}:%${id}:${q.name}`;
      info.set(key, { dtype: q.dtype, length: q.length });
      requests.push({ key, bytes: 4 * q.length, first: pos(id), last: pos(q.until ?? id) });
      return { ...q, key };
    });
    scratch.set(id, list);
  }
  return { step, graph: g, order, storage, inPlace, scratch, virtual };
}

/** The materialized nodes a (possibly fused) node reads: its inputs, looking through virtual ones. */
export function leavesOf(id: NodeId, g: Graph, virtual: ReadonlySet<NodeId>): NodeId[] {
  const out: NodeId[] = [];
  for (const i of g.nodes[id]!.inputs) {
    if (virtual.has(i)) out.push(...leavesOf(i, g, virtual));
    else out.push(i);
  }
  return out;
}

/** True when every (transitive, through aliases) user of a const is elementwise, so it can be a literal. */
function usedOnlyElementwise(id: NodeId, users: NodeId[][], root: NodeId[], g: Graph): boolean {
  for (const u of users[id]!) {
    const n = g.nodes[u]!;
    if (root[u] === root[id]) {
      if (!usedOnlyElementwise(u, users, root, g)) return false;
    } else if (!(isElementwise(n) || n.op === "broadcast_to")) return false;
  }
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
