// Concrete instances for lowering: a model with given param values and dim bindings, or a train block
// (optionally with another batch size), as flat graphs of resolved ops.

import type { Diagnostic } from "../../grammar/source.js";
import { dimConst, type Dim } from "./dims.js";
import { Sink } from "./graph.js";
import { instantiate, paramArgs, paramsFromArgs } from "./model.js";
import { indexProgram } from "./resolve.js";
import { checkTrain, type TrainOptions } from "./train.js";
import type { CheckedProgram, CheckedTrain, ConfigValue, ElaboratedModel } from "./types.js";

/**
 * Instantiates `modelName` with the given model-param values (defaults fill the rest) and dim
 * bindings (e.g. { B: 64, T: 64 }). Returns undefined model only when the name is unknown or params
 * are missing; shape errors specific to these values come back as diagnostics.
 */
export function elaborate(
  checked: CheckedProgram,
  modelName: string,
  modelArgs: Record<string, ConfigValue> = {},
  dimBindings: Record<string, number | Dim> = {},
): { model: ElaboratedModel | undefined; diagnostics: Diagnostic[] } {
  const sink = new Sink();
  const index = indexProgram(checked.ast, new Sink());
  for (const m of checked.models) index.modelOk.set(m.name, m.ok);
  const decl = index.models.get(modelName);
  if (!decl) {
    sink.report("DLM1011", `unknown model '${modelName}'`, checked.ast.span);
    return { model: undefined, diagnostics: sink.list };
  }
  const params = paramsFromArgs(decl, modelArgs, sink, decl.name.span);
  if (!params) return { model: undefined, diagnostics: sink.list };
  const dims = new Map<string, Dim>(Object.entries(dimBindings).map(([k, v]) => [k, typeof v === "number" ? dimConst(v) : v]));
  const graph = instantiate(index, decl, params, dims, sink, false);
  return { model: { ...graph, model: modelName, args: paramArgs(params) }, diagnostics: sink.list };
}

/** Re-elaborates train block number `which` (source order), e.g. with another batch size. */
export function elaborateTrain(checked: CheckedProgram, which = 0, options: TrainOptions = {}): { train: CheckedTrain | undefined; diagnostics: Diagnostic[] } {
  const sink = new Sink();
  const index = indexProgram(checked.ast, new Sink());
  for (const m of checked.models) index.modelOk.set(m.name, m.ok);
  const decl = index.trains[which];
  if (!decl) return { train: undefined, diagnostics: [] };
  return { train: checkTrain(index, checked, decl, sink, options), diagnostics: sink.list };
}

