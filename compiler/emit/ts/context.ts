// What the code of one model class accumulates while its steps are emitted: the private readonly fields
// (typed-array views on the arena, kernel geometry objects, small shape arrays), which runtime names the
// module imports, and which module-level helpers it needs. Everything a step touches is made once, in
// the constructor, so the step methods allocate nothing.

import type { DType } from "../../ir/shapes.js";
import type { ModelPlan } from "../../plan/step-values.js";
import { Namer } from "./names.js";

export interface FieldDecl {
  name: string;
  type: string;
  /** Expression assigned in the constructor (`arena` is in scope). */
  init: string;
  /** Shown above the field (already comment-safe). */
  comment?: string;
}

export type Helper = "checkExamples" | "f32Field" | "i32Field" | "f32Tensor" | "i32Tensor" | "checkpointFiles" | "uniformAt" | "normalAt";

/** Names every generated class declares itself; fields must not take them. */
export const CLASS_MEMBERS = [
  "batch", "create", "predict", "trainStep", "evaluate", "fit", "save", "load", "saveBytes", "loadBytes", "parameters", "arena", "stepCount",
  "totalSteps", "epoch", "snapshot", "restore", "arenaBytes", "trainResult", "runPredict", "runEvaluate", "runTrain", "runInputGradient", "runSaliency", "inputGradient", "saliency", "integratedGradients", "learningRate", "initState", "stateViews",
  "generate", "generateText", "forecast", "translate", "translateText",
  "constructor", "prototype", "name", "length",
];

export const arrayType = (dtype: DType): string => (dtype === "i32" ? "Int32Array" : "Float32Array");

export class ModuleContext {
  /** Runtime value imports and type imports, shared by all classes of the module. */
  readonly imports = new Set<string>();
  readonly typeImports = new Set<string>();
  readonly helpers = new Set<Helper>();

  use(name: string): string {
    this.imports.add(name);
    return name;
  }
}

// Slots by key, once per plan: a search of the slot list per view was quadratic (seq2seq: 3,000 slots).
const byKey = new WeakMap<ModelPlan, Map<string, ModelPlan["slots"][number]>>();
function slotsByKey(plan: ModelPlan): Map<string, ModelPlan["slots"][number]> {
  let m = byKey.get(plan);
  if (!m) {
    m = new Map(plan.slots.map((s) => [s.key, s]));
    byKey.set(plan, m);
  }
  return m;
}

export class ClassContext {
  readonly fields: FieldDecl[] = [];
  readonly namer: Namer;
  private readonly views = new Map<string, string>();
  private readonly byInit = new Map<string, string>();

  constructor(readonly module: ModuleContext, readonly plan: ModelPlan, runtimeNames: Iterable<string>) {
    this.namer = new Namer([...CLASS_MEMBERS, ...runtimeNames]);
  }

  /** `this.<field>`: a view of `length` elements of `dtype` at slot `key` (one field per distinct view). */
  view(key: string, dtype: DType, length: number, hint: string, comment?: string): string {
    const id = `${key}|${dtype}|${length}`;
    const known = this.views.get(id);
    if (known) return `this.${known}`;
    const slot = slotsByKey(this.plan).get(key);
    if (!slot) throw new Error(`emit: no memory slot ${key}`);
    const name = this.namer.fresh(hint);
    const field: FieldDecl = { name, type: arrayType(dtype), init: `new ${arrayType(dtype)}(arena, ${slot.offset}, ${length})` };
    if (comment !== undefined) field.comment = comment;
    this.fields.push(field);
    this.views.set(id, name);
    return `this.${name}`;
  }

  /** `this.<field>` holding a value made once at creation (geometry, shape arrays); equal inits share a field. */
  constant(hint: string, type: string, init: string): string {
    const known = this.byInit.get(`${type}|${init}`);
    if (known) return `this.${known}`;
    const name = this.namer.fresh(hint);
    this.fields.push({ name, type, init });
    this.byInit.set(`${type}|${init}`, name);
    return `this.${name}`;
  }
}
