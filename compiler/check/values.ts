// What names and expressions evaluate to while checking, and the evaluation context.
//
// A value is a tensor (with the id of the graph value that holds it), a tuple, a number not yet tied to
// a dtype (a literal, adapting to the tensor it meets), or `unknown` (after an error: it silences every
// follow-on error). Names resolve to entities: values, layer instances (constructed, maybe not yet
// applied), model params and dim symbols.

import type { ModelDecl } from "../../grammar/ast.js";
import type { Span } from "../../grammar/source.js";
import type { LayerSpec, StateArg, TypedInput } from "./catalogue/spec.js";
import type { Dim } from "./dims.js";
import type { GraphBuilder, Sink } from "./graph.js";
import type { ProgramIndex } from "./resolve.js";
import type { Config, DType, ValueId } from "./types.js";

export type Val =
  | { kind: "tensor"; id: ValueId; dtype: DType; shape: Dim[]; origin?: string }
  | { kind: "tuple"; elements: Val[] }
  | { kind: "number"; value: number; isInt: boolean; dim?: Dim }
  | { kind: "unknown" };

export const unknown: Val = { kind: "unknown" };

export type ParamValue =
  | { type: "int"; dim: Dim }
  | { type: "float"; value: number | null }
  | { type: "bool"; value: boolean | null }
  | { type: "string"; value: string | null };

/** A constructed layer: a catalogue layer or a model instance. `path` is its full instance path. */
export type LayerRef =
  | {
      kind: "catalogue";
      spec: LayerSpec;
      cfg: Config;
      tensors: Record<string, TypedInput | StateArg>;
      tensorIds: Array<{ role: string; id: ValueId }>;
      path: string;
      label: string;
      span: Span;
      /** Where each named argument was written, for errors about it. */
      argSpans: Record<string, Span>;
      broken: boolean;
    }
  | { kind: "model"; decl: ModelDecl; args: Map<string, ParamValue>; path: string; label: string; span: Span; broken: boolean };

export interface BindingInfo {
  name: string;
  span: Span;
  used: boolean;
  isOutput: boolean;
}

export type Entity =
  | { kind: "value"; val: Val; binding?: BindingInfo }
  | { kind: "layer"; layer: LayerRef; binding?: BindingInfo }
  | { kind: "param"; name: string; param: ParamValue }
  | { kind: "dim"; dim: Dim };

export interface Ctx {
  index: ProgramIndex;
  g: GraphBuilder;
  sink: Sink;
  /** Prefix of layer paths (`transformer_layer_0.1.`), "" at the top. */
  prefix: string;
  /** Anonymous layer counters per kind. */
  counters: Map<string, number>;
  scope: Map<string, Entity>;
  /** Names bound later in the same body (for "used before it is bound"). */
  later: Map<string, Span>;
  /** Names used before their binding (already an error: no "never used" warning for them). */
  usedEarly: Set<string>;
  /** Symbol bindings (B → 64, or a nested model's T → its caller's T). */
  dims: Map<string, Dim>;
  /** Symbols a dims list may mention besides bound ones (the model's input symbols). */
  symbols: Set<string>;
  /** Models being evaluated, innermost last (recursion guard). */
  stack: string[];
  /** Report unused bindings (off while inlining a nested model). */
  warnUnused: boolean;
}

export function tensorVal(id: ValueId, dtype: DType, shape: Dim[], origin?: string): Val {
  return origin === undefined ? { kind: "tensor", id, dtype, shape } : { kind: "tensor", id, dtype, shape, origin };
}
