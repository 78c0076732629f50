// THE table from IR op to TypeScript: one case per op. Elementwise ops are expressions placed in the
// loops of loops.ts; heavy ops are calls of runtime kernels by name, with views, sizes and geometry
// objects that were made once in the constructor. No dispatch happens at run time: each node becomes
// its own statement(s) in the step method.

import type { Node, NodeId, NodeOf } from "../../ir/graph.js";
import type { OpName } from "../../ir/op-attrs.js";
import type { PoolAttrs, ConvAttrs } from "../../ir/op-attrs.js";
import { sizeOf } from "../../ir/shapes.js";
import type { LoopOperand } from "./loops.js";
import { elementwiseLoop, placeLoop } from "./loops.js";
import { identifier } from "./names.js";
import { emitAxisOp } from "./axis-ops.js";
import type { ClassContext, ModuleContext } from "./context.js";

export interface StepEmitter {
  cls: ClassContext;
  mod: ModuleContext;
  node(id: NodeId): Node;
  /** `this.view` of a node's value (never a literal). */
  arr(id: NodeId): string;
  /** How an elementwise loop reads a node: an array, or an inlined literal. */
  operand(id: NodeId): { array: string | null; literal?: string };
  scratch(id: NodeId, name: string): string;
  /** A readable base for field names: the node's name, its layer and op, or its op and id. */
  hint(id: NodeId): string;
  /** The layer whose parameter the node reads directly, if any ("conv2d_0"). */
  layer(id: NodeId): string | undefined;
  pairs: PoolPairs;
  /** Nodes fused into their user's loop. */
  virtual: ReadonlySet<NodeId>;
}

/** A max_pool2d_backward reuses the argmax of the max_pool2d of the same input and window. */
export interface PoolPairs {
  forwardOf: Map<NodeId, NodeId>;
  backwardOf: Map<NodeId, NodeId>;
}

export function pairPools(nodes: readonly Node[]): PoolPairs {
  const forwardOf = new Map<NodeId, NodeId>();
  const backwardOf = new Map<NodeId, NodeId>();
  for (const b of nodes) {
    if (b.op !== "max_pool2d_backward") continue;
    const f = nodes.find((n) => n.op === "max_pool2d" && n.inputs[0] === b.inputs[0] && n.id < b.id && !backwardOf.has(n.id) &&
      JSON.stringify(n.attrs) === JSON.stringify(b.attrs));
    if (!f) continue;
    forwardOf.set(b.id, f.id);
    backwardOf.set(f.id, b.id);
  }
  return { forwardOf, backwardOf };
}

export class EmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmitError";
  }
}

/** A number as TS source: finite values round-trip exactly; negatives are parenthesised. */
export function numberLiteral(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  return v < 0 ? `(${String(v)})` : String(v);
}

type Unary = "neg" | "exp" | "log" | "sqrt" | "rsqrt" | "abs" | "square" | "tanh" | "sigmoid" | "relu" | "leaky_relu"
  | "erf" | "gelu" | "silu" | "sign" | "pow" | "stop_gradient" | "cast";
type Binary = "add" | "sub" | "mul" | "div" | "maximum" | "minimum" | "greater" | "equal";

const unaryCode: { [K in Unary]: (x: string, n: NodeOf<K>, s: StepEmitter) => string } = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  rsqrt: (x) => `1 / Math.sqrt(${x})`,
  abs: (x) => `Math.abs(${x})`,
  square: (x) => `${x} * ${x}`,
  tanh: (x) => `Math.tanh(${x})`,
  sigmoid: (x, _, s) => `${s.mod.use("sigmoid")}(${x})`,
  relu: (x) => `${x} > 0 ? ${x} : 0`,
  leaky_relu: (x, n) => `${x} > 0 ? ${x} : ${numberLiteral(n.attrs.alpha)} * ${x}`,
  erf: (x, _, s) => `${s.mod.use("erf")}(${x})`,
  gelu: (x, _, s) => `0.5 * ${x} * (1 + ${s.mod.use("erf")}(${x} * Math.SQRT1_2))`,
  silu: (x, _, s) => `${x} * ${s.mod.use("sigmoid")}(${x})`,
  sign: (x) => `${x} > 0 ? 1 : ${x} < 0 ? -1 : 0`,
  pow: (x, n) => (n.attrs.exponent === 2 ? `${x} * ${x}` : `Math.pow(${x}, ${numberLiteral(n.attrs.exponent)})`),
  stop_gradient: (x) => x,
  cast: (x, n) => (n.attrs.to === "i32" ? `Math.trunc(${x})` : x),
};

const binaryCode: { [K in Binary]: (a: string, b: string) => string } = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  maximum: (a, b) => `Math.max(${a}, ${b})`,
  minimum: (a, b) => `Math.min(${a}, ${b})`,
  greater: (a, b) => `${a} > ${b} ? 1 : 0`,
  equal: (a, b) => `${a} === ${b} ? 1 : 0`,
};

const LOCALS = ["a", "b", "c", "d", "e", "f", "g", "h"];

/** The expression of one elementwise node applied to argument expressions. */
function elementwiseCode(n: Node, args: string[], s: StepEmitter): string {
  if (isUnary(n.op)) return (unaryCode[n.op] as (x: string, n: Node, s: StepEmitter) => string)(args[0]!, n, s);
  if (isBinary(n.op)) return binaryCode[n.op](args[0]!, args[1]!);
  if (n.op === "select") return `${args[0]} !== 0 ? ${args[1]} : ${args[2]}`;
  if (n.op === "broadcast_to") return args[0]!;
  throw new EmitError(`${n.op} is not elementwise`);
}

/**
 * `{ const y = this.out, a = this.in; for (…) { const t = …; y[i] = … } }`: the node and the virtual nodes
 * fused into it (compiler/plan/fuse-elementwise.ts) in one loop; each virtual node is one `const` of the
 * loop body, in graph order, and only materialized leaves are read from memory.
 */
function loopStatement(s: StepEmitter, n: Node): string {
  const decls = [`y = ${s.arr(n.id)}`];
  const leaves: NodeId[] = [];
  const fused: NodeId[] = [];
  const visit = (id: NodeId) => {
    if (s.virtual.has(id)) {
      if (fused.includes(id)) return;
      for (const i of s.node(id).inputs) visit(i);
      fused.push(id);
    } else if (!leaves.includes(id)) leaves.push(id);
  };
  for (const i of n.inputs) visit(i);
  fused.sort((p, q) => p - q);
  let letters = 0;
  const operands: LoopOperand[] = leaves.map((id) => {
    const o = s.operand(id);
    const shape = s.node(id).shape;
    if (o.array === null) return { array: null, literal: o.literal!, shape };
    const name = LOCALS[letters] ?? `in${letters}`;
    letters++;
    decls.push(`${name} = ${o.array}`);
    return { array: name, shape };
  });
  const local = (id: NodeId) => identifier(`${s.node(id).op}${id}`);
  const body = (reads: string[]) => {
    const arg = (id: NodeId) => (s.virtual.has(id) ? local(id) : reads[leaves.indexOf(id)]!);
    const lines = fused.map((id) => `const ${local(id)} = ${elementwiseCode(s.node(id), s.node(id).inputs.map(arg), s)};`);
    return { lines, value: elementwiseCode(n, n.inputs.map(arg), s) };
  };
  return `{\nconst ${decls.join(", ")};\n${elementwiseLoop("y", n.shape, operands, body)}\n}`;
}

function isUnary(op: OpName): op is Unary {
  return op in unaryCode;
}
function isBinary(op: OpName): op is Binary {
  return op in binaryCode;
}

/** Reduced axes as runs of adjacent axes, last run first (each run is one [outer, n, inner] kernel call). */
export function reductionRuns(shape: readonly number[], axes: readonly number[]): Array<{ outer: number; n: number; inner: number; after: number[] }> {
  const runs: number[][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === a - 1) last.push(a);
    else runs.push([a]);
  }
  let cur = [...shape];
  const out: Array<{ outer: number; n: number; inner: number; after: number[] }> = [];
  for (const run of runs.reverse()) {
    const lo = run[0]!;
    const hi = run[run.length - 1]!;
    const outer = sizeOf(cur.slice(0, lo));
    const n = sizeOf(cur.slice(lo, hi + 1));
    const inner = sizeOf(cur.slice(hi + 1));
    cur = [...cur.slice(0, lo), ...cur.slice(hi + 1)];
    out.push({ outer, n, inner, after: cur });
  }
  return out;
}

/** One geometry object per distinct convolution, named after its layer (shared by all steps and backward ops). */
function convGeometry(s: StepEmitter, id: NodeId, x: readonly number[], w: readonly number[], a: ConvAttrs): string {
  const hint = s.layer(id) ?? `conv${x.slice(1).join("x")}`;
  const [n, c, h, wd] = x;
  const [o, , kh, kw] = w;
  const args = [n, c, h, wd, o, kh, kw, a.stride[0], a.stride[1], a.pad[0], a.pad[1], a.dilation[0], a.dilation[1], a.groups];
  s.mod.typeImports.add("Conv2dGeometry");
  return s.cls.constant(`${hint}Geometry`, "Conv2dGeometry", `${s.mod.use("conv2dGeometry")}(${args.join(", ")})`);
}

/** Named after the pooled shape (pooling has no layer parameters to name it by). */
function poolGeometry(s: StepEmitter, x: readonly number[], a: PoolAttrs): string {
  const hint = `pool${x.slice(1).join("x")}`;
  const [n, c, h, w] = x;
  const args = [n, c, h, w, a.kernel[0], a.kernel[1], a.stride[0], a.stride[1], a.pad[0], a.pad[1]];
  s.mod.typeImports.add("Pool2dGeometry");
  return s.cls.constant(`${hint}Geometry`, "Pool2dGeometry", `${s.mod.use("pool2dGeometry")}(${args.join(", ")})`);
}

/** im2col scratch floats of a conv (0 for a pointwise conv, which reads x directly). */
export function convScratchLength(x: readonly number[], w: readonly number[], y: readonly number[], a: ConvAttrs): number {
  const pointwise = w[2] === 1 && w[3] === 1 && a.stride[0] === 1 && a.stride[1] === 1 && a.pad[0] === 0 && a.pad[1] === 0;
  return pointwise ? 0 : (x[1]! / a.groups) * w[2]! * w[3]! * y[2]! * y[3]!;
}

/** copyStrided for f32; the same loop written out for i32 (the kernel is typed for floats). */
function blockCopy(s: StepEmitter, n: Node, src: string, dst: string, outer: number, srcInner: number, dstInner: number,
  dstOffset: number, count: number, srcOffset: number): string {
  if (n.dtype === "f32") {
    const tail = srcOffset === 0 ? "" : `, ${srcOffset}`;
    return `${s.mod.use("copyStrided")}(${src}, ${dst}, ${outer}, ${srcInner}, ${dstInner}, ${dstOffset}, ${count}${tail});`;
  }
  const from = (o: string) => `${o} * ${srcInner}${srcOffset === 0 ? "" : ` + ${srcOffset}`} + j`;
  const to = (o: string) => `${o} * ${dstInner}${dstOffset === 0 ? "" : ` + ${dstOffset}`} + j`;
  return `{\nconst y = ${dst}, a = ${src};\nfor (let o = 0; o < ${outer}; o++) {\nfor (let j = 0; j < ${count}; j++) y[${to("o")}] = a[${from("o")}]!;\n}\n}`;
}

/** Statements computing node `n` into its storage. */
export function emitNode(n: Node, s: StepEmitter): string[] {
  const k = (name: string) => s.mod.use(name);
  const at = (i: number) => s.node(n.inputs[i]!);
  const x = (i: number) => s.arr(n.inputs[i]!);
  const y = () => s.arr(n.id);
  // Aliases (planned as views of their input's bytes) and sources have no code.
  if (n.op === "reshape" || n.op === "stop_gradient" || n.op === "const" || n.op === "input" || n.op === "param") return [];
  // A virtual node is computed inside its user's loop.
  if (s.virtual.has(n.id)) return [];
  if (isUnary(n.op) || isBinary(n.op) || n.op === "select" || n.op === "broadcast_to") return [loopStatement(s, n)];

  switch (n.op) {
    case "sum":
    case "mean":
    case "max": {
      const runs = reductionRuns(at(0).shape, n.attrs.axes);
      const out: string[] = [];
      runs.forEach((r, t) => {
        const src = t === 0 ? x(0) : s.scratch(n.id, `r${t - 1}`);
        const dst = t === runs.length - 1 ? y() : s.scratch(n.id, `r${t}`);
        out.push(n.op === "max"
          ? `${k("reduceMax")}(${src}, ${dst}, null, ${r.outer}, ${r.n}, ${r.inner});`
          : `${k(n.op === "sum" ? "reduceSum" : "reduceMean")}(${src}, ${dst}, ${r.outer}, ${r.n}, ${r.inner}, false);`);
      });
      if (runs.length === 0) out.push(`${y()}.set(${x(0)});`);
      return out;
    }
    case "argmax": {
      const [r] = reductionRuns(at(0).shape, [n.attrs.axis]);
      return [`${k("reduceMax")}(${x(0)}, ${s.scratch(n.id, "max")}, ${y()}, ${r!.outer}, ${r!.n}, ${r!.inner});`];
    }

    case "matmul": {
      const a = at(0).shape;
      const b = at(1).shape;
      const [M, N] = n.shape.slice(-2) as [number, number];
      const K = n.attrs.transA ? a[a.length - 2]! : a[a.length - 1]!;
      const flags = `${n.attrs.transA}, ${n.attrs.transB}`;
      const batch = sizeOf(n.shape.slice(0, -2));
      if (batch === 1 && a.length === 2 && b.length === 2) return [`${k("matmul")}(${x(0)}, ${x(1)}, ${y()}, ${M}, ${N}, ${K}, ${flags}, false);`];
      const stride = (shape: readonly number[]) => {
        const own = sizeOf(shape.slice(0, -2));
        if (own === batch) return sizeOf(shape.slice(-2));
        if (own === 1) return 0;
        throw new EmitError(`matmul: batch dims [${shape.slice(0, -2).join(", ")}] broadcast partially to [${n.shape.slice(0, -2).join(", ")}]`);
      };
      return [`${k("batchMatmul")}(${x(0)}, ${x(1)}, ${y()}, ${batch}, ${M}, ${N}, ${K}, ${flags}, false, ${stride(a)}, ${stride(b)}, ${M * N});`];
    }

    case "conv2d": {
      const g = convGeometry(s, n.id, at(0).shape, at(1).shape, n.attrs);
      const scratch = convScratchLength(at(0).shape, at(1).shape, n.shape, n.attrs) > 0 ? s.scratch(n.id, "cols") : y();
      return [`${k("conv2d")}(${x(0)}, ${x(1)}, null, ${y()}, ${g}, ${scratch});`];
    }
    case "conv2d_backward_input": {
      const g = convGeometry(s, n.id, n.shape, at(1).shape, n.attrs);
      const scratch = convScratchLength(n.shape, at(1).shape, at(0).shape, n.attrs) > 0 ? s.scratch(n.id, "cols") : y();
      return [`${k("conv2dBackwardInput")}(${x(0)}, ${x(1)}, ${y()}, ${g}, ${scratch}, false);`];
    }
    case "conv2d_backward_weight": {
      const g = convGeometry(s, n.id, at(0).shape, n.shape, n.attrs);
      const scratch = convScratchLength(at(0).shape, n.shape, at(1).shape, n.attrs) > 0 ? s.scratch(n.id, "cols") : y();
      return [`${k("conv2dBackwardWeight")}(${x(0)}, ${x(1)}, ${y()}, ${g}, ${scratch}, false);`];
    }

    case "max_pool2d": {
      const g = poolGeometry(s, at(0).shape, n.attrs);
      return [`${k("maxPool2d")}(${x(0)}, ${y()}, ${s.scratch(n.id, "argmax")}, ${g});`];
    }
    case "max_pool2d_backward": {
      const g = poolGeometry(s, at(0).shape, n.attrs);
      const forward = s.pairs.forwardOf.get(n.id);
      if (forward !== undefined) return [`${k("maxPool2dBackward")}(${x(1)}, ${s.scratch(forward, "argmax")}, ${y()}, ${g});`];
      const argmax = s.scratch(n.id, "argmax");
      return [
        `${k("maxPool2d")}(${x(0)}, ${s.scratch(n.id, "pooled")}, ${argmax}, ${g});`,
        `${k("maxPool2dBackward")}(${x(1)}, ${argmax}, ${y()}, ${g});`,
      ];
    }
    case "avg_pool2d":
      return [`${k("avgPool2d")}(${x(0)}, ${y()}, ${poolGeometry(s, at(0).shape, n.attrs)});`];
    case "avg_pool2d_backward":
      return [`${k("avgPool2dBackward")}(${x(0)}, ${y()}, ${poolGeometry(s, n.shape, n.attrs)});`];
    case "upsample_nearest2d":
    case "upsample_nearest2d_backward": {
      const [sh, sw] = n.attrs.scale;
      if (sh !== sw) throw new EmitError(`${n.op}: scale ${sh}×${sw} (only equal factors have a kernel)`);
      const small = n.op === "upsample_nearest2d" ? at(0).shape : n.shape;
      const fn = n.op === "upsample_nearest2d" ? "upsampleNearest2d" : "upsampleNearest2dBackward";
      return [`${k(fn)}(${x(0)}, ${y()}, ${small.join(", ")}, ${sh});`];
    }

    case "softmax":
    case "log_softmax":
    case "softmax_backward":
    case "log_softmax_backward":
    case "take_along_axis":
    case "scatter_along_axis":
      return emitAxisOp(n, s);

    case "gather": {
      const t = at(0).shape;
      return [`${k("gatherRows")}(${x(0)}, ${x(1)}, ${y()}, ${t[0]}, ${sizeOf(t.slice(1))}, ${sizeOf(at(1).shape)});`];
    }
    case "scatter_add":
      return [
        `${y()}.fill(0);`,
        `${k("scatterAddRows")}(${x(0)}, ${x(1)}, ${y()}, ${n.attrs.rows}, ${sizeOf(n.shape.slice(1))}, ${sizeOf(at(1).shape)});`,
      ];
    case "transpose": {
      const shape = s.cls.constant(`${s.hint(n.id)}Shape`, "Int32Array", `Int32Array.of(${at(0).shape.join(", ")})`);
      const perm = s.cls.constant(`${s.hint(n.id)}Perm`, "Int32Array", `Int32Array.of(${n.attrs.perm.join(", ")})`);
      if (n.dtype !== "f32") throw new EmitError(`transpose of ${n.dtype} has no kernel`);
      return [`${k("transpose")}(${x(0)}, ${y()}, ${shape}, ${perm});`];
    }
    case "slice": {
      const xs = at(0).shape;
      const inner = sizeOf(xs.slice(n.attrs.axis + 1));
      const outer = sizeOf(xs.slice(0, n.attrs.axis));
      const count = (n.attrs.end - n.attrs.start) * inner;
      return [blockCopy(s, n, x(0), y(), outer, xs[n.attrs.axis]! * inner, count, 0, count, n.attrs.start * inner)];
    }
    case "concat": {
      const axis = n.attrs.axis;
      const outer = sizeOf(n.shape.slice(0, axis));
      const inner = sizeOf(n.shape.slice(axis + 1));
      const dstInner = n.shape[axis]! * inner;
      let offset = 0;
      return n.inputs.map((id, i) => {
        const part = s.node(id).shape[axis]! * inner;
        const line = blockCopy(s, n, x(i), y(), outer, part, dstInner, offset, part, 0);
        offset += part;
        return line;
      });
    }
    case "pad": {
      const offsets = n.attrs.pads.map((p) => p[0]);
      return [`${y()}.fill(0);`, `{\nconst y = ${y()}, a = ${x(0)};\n${placeLoop("y", n.shape, "a", at(0).shape, offsets)}\n}`];
    }

    case "random_uniform":
    case "random_normal": {
      const helper = n.op === "random_uniform" ? "uniformAt" : "normalAt";
      s.mod.helpers.add("uniformAt");
      s.mod.helpers.add(helper);
      const [p, q] = n.op === "random_uniform" ? [n.attrs.low, n.attrs.high - n.attrs.low] : [n.attrs.mean, n.attrs.std];
      const draw = `${helper}(${n.attrs.stream}, step, i)`;
      const value = `${p === 0 ? "" : `${numberLiteral(p)} + `}${q === 1 ? draw : `${numberLiteral(q)} * ${draw}`}`;
      return [`{\nconst y = ${y()}, step = ${x(0)}[0]!;\nfor (let i = 0; i < ${sizeOf(n.shape)}; i++) y[i] = ${value};\n}`];
    }
  }
  throw new EmitError(`no TypeScript code for op ${n.op}`);
}

/** Scratch buffers a node's code uses (requested from the memory planner before emitting). */
export function scratchOf(n: Node, pairs: PoolPairs, shapeOf: (id: NodeId) => readonly number[]):
  Array<{ name: string; dtype: "f32" | "i32"; length: number; until?: NodeId }> {
  switch (n.op) {
    case "sum":
    case "mean":
    case "max": {
      const runs = reductionRuns(shapeOf(n.inputs[0]!), n.attrs.axes);
      return runs.slice(0, -1).map((r, t) => ({ name: `r${t}`, dtype: "f32" as const, length: sizeOf(r.after) }));
    }
    case "argmax":
      return [{ name: "max", dtype: "f32", length: sizeOf(n.shape) }];
    case "conv2d": {
      const len = convScratchLength(shapeOf(n.inputs[0]!), shapeOf(n.inputs[1]!), n.shape, n.attrs);
      return len > 0 ? [{ name: "cols", dtype: "f32", length: len }] : [];
    }
    case "conv2d_backward_input": {
      const len = convScratchLength(n.shape, shapeOf(n.inputs[1]!), shapeOf(n.inputs[0]!), n.attrs);
      return len > 0 ? [{ name: "cols", dtype: "f32", length: len }] : [];
    }
    case "conv2d_backward_weight": {
      const len = convScratchLength(shapeOf(n.inputs[0]!), n.shape, shapeOf(n.inputs[1]!), n.attrs);
      return len > 0 ? [{ name: "cols", dtype: "f32", length: len }] : [];
    }
    case "max_pool2d": {
      const until = pairs.backwardOf.get(n.id);
      const req: { name: string; dtype: "i32"; length: number; until?: NodeId } = { name: "argmax", dtype: "i32", length: sizeOf(n.shape) };
      if (until !== undefined) req.until = until;
      return [req];
    }
    case "max_pool2d_backward":
      if (pairs.forwardOf.has(n.id)) return [];
      return [
        { name: "pooled", dtype: "f32", length: sizeOf(shapeOf(n.inputs[1]!)) },
        { name: "argmax", dtype: "i32", length: sizeOf(shapeOf(n.inputs[1]!)) },
      ];
    default:
      return [];
  }
}
