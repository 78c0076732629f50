// Collects what evaluation produces: ops in dataflow order, the parameter tensors of every layer
// instance (once per path, so a layer applied twice shares them), and diagnostics.

import { diagnostic, type DiagnosticCode } from "../../grammar/diagnostics.js";
import type { Diagnostic, Related, Span } from "../../grammar/source.js";
import { dimConst, dimMul, dimProduct, dimSum, type Dim } from "./dims.js";
import type { ParamShape } from "./catalogue/spec.js";
import type { Config, ElaboratedGraph, LayerInstance, NamedValue, Op, OpOutput, ParamTensor, TensorType } from "./types.js";

/** Diagnostics, each (code, place, message) once. A nested sink may be redirected by its owner. */
export class Sink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly places = new Set<string>();

  /**
   * Reports once per (code, place, message). An error found again while checking an instance of a model
   * (`instance` set) is dropped when the same code was already reported at the same place: the generic
   * check said it with symbolic dims, the instance would only repeat it with concrete ones.
   */
  report(code: DiagnosticCode, message: string, span: Span, related?: Related[], instance = false): void {
    const at = `${code}|${span.file}|${span.start.offset}|${span.end.offset}`;
    if (this.seen.has(`${at}|${message}`) || (instance && this.places.has(at))) return;
    this.seen.add(`${at}|${message}`);
    this.places.add(at);
    this.list.push(diagnostic(code, message, span, related));
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === "error").length;
  }
}

export interface LayerRecord {
  instance: LayerInstance;
  inSize?: Dim;
  /** The input type of the first application and where it was, for the shared-layer message. */
  firstInput: TensorType;
  firstSpan: Span;
}

export class GraphBuilder {
  readonly ops: Op[] = [];
  readonly layers = new Map<string, LayerRecord>();
  readonly params = new Map<string, ParamTensor>();
  private nextValue = 0;

  op(
    op: string,
    inputs: Array<{ role: string; id: number }>,
    config: Config,
    outs: TensorType[],
    span: Span,
    layer?: { path: string; params: Record<string, string> },
  ): OpOutput[] {
    const outputs = outs.map((t) => ({ id: this.nextValue++, dtype: t.dtype, shape: t.shape }));
    const o: Op = { id: this.ops.length, op, inputs: inputs.map((i) => i.id), inputRoles: inputs.map((i) => i.role), config, outputs, span };
    if (layer) {
      o.layer = layer.path;
      o.params = layer.params;
    }
    this.ops.push(o);
    return outputs;
  }

  /** A graph input (model input or data field): a value id with no producing op. */
  input(): number {
    return this.nextValue++;
  }

  /** Registers a layer instance's tensors on first application. */
  addLayer(path: string, kind: string, config: Config, shapes: ParamShape[], span: Span, applied: Span, firstInput: TensorType, inSize?: Dim): LayerRecord {
    const params: ParamTensor[] = shapes.map((p) => {
      const t: ParamTensor = { name: `${path}.${p.role}`, layer: path, role: p.role, shape: p.shape, count: dimProduct(p.shape) };
      if (p.buffer) t.buffer = true;
      return t;
    });
    for (const p of params) this.params.set(p.name, p);
    const count = dimSum(params.filter((p) => !p.buffer).map((p) => p.count));
    const rec: LayerRecord = { instance: { path, kind, config, params, count, span }, firstInput, firstSpan: applied };
    if (inSize) rec.inSize = inSize;
    this.layers.set(path, rec);
    return rec;
  }

  /** Multiplies the counts of the layer at `prefix` and those under it (one checked copy standing for n). */
  scaleCounts(prefix: string, n: Dim): void {
    for (const rec of this.layers.values()) {
      const path = rec.instance.path;
      if (path !== prefix && !path.startsWith(`${prefix}.`)) continue;
      rec.instance.count = dimMul(rec.instance.count, n);
      for (const p of rec.instance.params) p.count = dimMul(p.count, n);
    }
  }

  paramCount(): Dim {
    return dimSum([...this.params.values()].filter((p) => !p.buffer).map((p) => p.count).concat([dimConst(0)]));
  }

  finish(inputs: NamedValue[], outputs: NamedValue[], dims: Map<string, Dim>): ElaboratedGraph {
    return {
      dims: Object.fromEntries([...dims.entries()]),
      inputs,
      outputs,
      params: [...this.params.values()],
      layers: [...this.layers.values()].map((l) => l.instance),
      ops: this.ops,
      paramCount: this.paramCount(),
    };
  }
}
