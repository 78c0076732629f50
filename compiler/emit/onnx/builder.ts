// Accumulates the ONNX graph while the IR is translated: unique value names, nodes, initializers, small
// int64 constants (shared), and shape tensors whose batch entries are computed at run time.
//
// A shape with batch entries (k·B) becomes Concat(fixed parts, Mul(B, k)), where B is read once from a
// graph input with Shape(x, start, end); with no batch entries it is a plain int64 initializer.

import type { Span } from "../../../grammar/source.js";
import type { DataType, OnnxAttr, OnnxNode, OnnxTensor } from "./proto.js";
import { DATA_TYPE } from "./proto.js";

/** An op the exporter cannot express; the CLI reports it at the op's `.dlm` position (DLM4020). */
export class OnnxExportError extends Error {
  constructor(message: string, readonly op?: string, readonly span?: Span) {
    super(message);
    this.name = "OnnxExportError";
  }
}

export type Attr = OnnxAttr;
export const int = (name: string, value: number): Attr => ({ name, kind: "int", value });
export const ints = (name: string, value: number[]): Attr => ({ name, kind: "ints", value });
export const float = (name: string, value: number): Attr => ({ name, kind: "float", value });
export const string = (name: string, value: string): Attr => ({ name, kind: "string", value });

/** Where the batch size can be read at run time: dim `axis` of graph input `value`, which is k·B. */
export interface BatchSource {
  value: string;
  axis: number;
  k: number;
}

export class OnnxBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly taken = new Set<string>();
  private readonly i64Cache = new Map<string, string>();
  private batchValue: string | undefined;
  /** Source position put on the nodes emitted next (as their doc_string). */
  where: string | undefined;

  constructor(reserved: Iterable<string>, private readonly batchSource?: BatchSource) {
    for (const r of reserved) this.taken.add(r);
  }

  /** A value name not used yet, from a readable base. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** Appends a node and returns its (first) output. */
  node(opType: string, inputs: string[], attrs: Attr[] = [], output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      inputs,
      outputs: [out],
      name: this.fresh(`${opType}_${this.nodes.length}`),
      attrs,
      ...(this.where ? { docString: this.where } : {}),
    });
    return out;
  }

  initializer(base: string, dataType: DataType, dims: number[], data: OnnxTensor["data"], exactName = false): string {
    const name = exactName ? base : this.fresh(base);
    this.initializers.push({ name, dataType, dims, data });
    return name;
  }

  f32(values: readonly number[], dims: number[] = [], base = "const"): string {
    return this.initializer(base, DATA_TYPE.float, dims, Float32Array.from(values));
  }

  /** An int64 constant (axes, shapes, starts…); equal ones share one initializer. */
  i64(values: readonly number[], dims: number[] = [values.length]): string {
    const key = `${dims.join("x")}:${values.join(",")}`;
    let name = this.i64Cache.get(key);
    if (!name) {
      name = this.initializer(`i64_${values.join("_").replace(/-/g, "m").slice(0, 40) || "empty"}`, DATA_TYPE.int64, dims, BigInt64Array.from(values, (v) => BigInt(v)));
      this.i64Cache.set(key, name);
    }
    return name;
  }

  /** int64[1] holding the batch size, computed once from a graph input. */
  private batch(): string {
    if (this.batchValue) return this.batchValue;
    const src = this.batchSource;
    if (!src) throw new OnnxExportError("internal: a batch-dependent shape in a graph exported with a fixed batch");
    const saved = this.where;
    this.where = undefined;
    let b = this.node("Shape", [src.value], [int("start", src.axis), int("end", src.axis + 1)], this.fresh("batch_dim"));
    if (src.k !== 1) b = this.node("Div", [b, this.i64([src.k])], [], this.fresh("batch"));
    this.where = saved;
    this.batchValue = b;
    return b;
  }

  /** An int64 shape tensor; entries with batch multiple k ≠ 0 are k·B at run time. */
  shape(shape: readonly number[], batchDims: readonly number[]): string {
    if (batchDims.every((k) => k === 0)) return this.i64(shape);
    const parts: string[] = [];
    let fixed: number[] = [];
    const flush = () => {
      if (fixed.length > 0) parts.push(this.i64(fixed));
      fixed = [];
    };
    shape.forEach((d, i) => {
      const k = batchDims[i] ?? 0;
      if (k === 0) return void fixed.push(d);
      flush();
      parts.push(k === 1 ? this.batch() : this.node("Mul", [this.batch(), this.i64([k])]));
    });
    flush();
    return parts.length === 1 ? parts[0]! : this.node("Concat", parts, [int("axis", 0)], this.fresh("shape"));
  }
}
