// The JS side of the Wasm target: the TS target's class (emitModel from compiler/emit/ts: same API,
// fields, init, seed → same weights), with three changes made on its ts-morph structure:
// - the arena is the `memory.buffer` of a WebAssembly.Memory sized from the plan plus the matmul scratch
//   (the constructor takes the memory; its views are made once over it; the memory never grows);
// - `runPredict` / `runEvaluate` / `runTrain` each call their one exported Wasm function;
// - each JS thunk (an op without Wasm code yet) is a private method, imported by the Wasm module as
//   `env.<name>` through arrow functions made once in `create`.
// The module's loader (glue-module.ts) compiles `<name>.wasm` once, on the first `create()`.

import type { ClassDeclarationStructure, MethodDeclarationStructure, OptionalKind, PropertyDeclarationStructure } from "ts-morph";
import { Scope, StructureKind } from "../../ts/structure-kinds.js";
import type { ModelProgram } from "../../../program/types.js";
import type { EmittedModel } from "../../ts/model-class.js";
import { runMethodName } from "../../ts/model-class.js";
import type { StepName } from "../../../program/types.js";
import { STEP_NAMES } from "../../../program/types.js";
import type { FieldDecl } from "../../ts/context.js";
import type { Thunk } from "./step-wasm.js";
import { WASM_SOURCE_TYPE } from "./glue-module.js";

export interface GlueModel {
  model: ModelProgram;
  emitted: EmittedModel;
  className: string;
  /** Pages of the model's memory (arena + matmul scratch). */
  pages: number;
  /** Exported run function of each step present. */
  runs: Partial<Record<StepName, string>>;
  thunks: Thunk[];
  /** Thunks of the module's other models: imported by the shared module, never called by this class. */
  foreignThunks?: string[];
  /** Extra view fields the thunks use (made by a second ClassContext over the same plan). */
  fields: FieldDecl[];
  seed: number;
}

/** Private run method → its step (runPredict → predict, …, every step a model may have). */
const RUN_METHOD = new Map<string, StepName>(STEP_NAMES.map((s) => [runMethodName(s), s]));

/** Rewrites the class structure of one model in place. */
export function wasmClass(g: GlueModel): void {
  const klass = g.emitted.statements.find((s): s is ClassDeclarationStructure => s.kind === StructureKind.Class);
  if (!klass) throw new Error(`wasm glue: no class for ${g.model.name}`);
  const exportsType = `{ ${Object.values(g.runs).map((r) => `readonly ${r}: () => void`).join("; ")} }`;

  const ctor = klass.ctors?.[0];
  const statements = ctor?.statements;
  if (!ctor || !Array.isArray(statements) || typeof statements[0] !== "string" || !statements[0].startsWith("const arena = new ArrayBuffer("))
    throw new Error("wasm glue: the TS class constructor does not start with its arena (emit/ts changed?)");
  // A thunk's view of the same value as one the TS class already has reads that field instead: same init
  // (offset and length) and the same name up to the numeric suffix the second namer added. (The init
  // alone is not enough: values with disjoint lifetimes share bytes and would read under a wrong name.)
  const byInit = new Map<string, string[]>();
  for (const st of statements.slice(1)) {
    const m = typeof st === "string" ? /^this\.([A-Za-z0-9_$]+) = (.*);$/.exec(st) : null;
    if (m) byInit.set(m[2]!, [...(byInit.get(m[2]!) ?? []), m[1]!]);
  }
  const alias = new Map<string, string>();
  const fields = g.fields.filter((f) => {
    const known = byInit.get(f.init)?.find((c) => f.name.startsWith(c) && /^[0-9]+$/.test(f.name.slice(c.length)));
    if (known === undefined) return true;
    alias.set(f.name, known);
    return false;
  });
  const rename = (code: string): string => code.replace(/\bthis\.([A-Za-z0-9_$]+)/g, (all, name: string) => (alias.has(name) ? `this.${alias.get(name)!}` : all));
  const thunks = g.thunks.map((t) => ({ name: t.name, body: t.body.map(rename) }));
  ctor.parameters = [{ name: "memory", type: "__DlmWasmMemory" }];
  ctor.statements = ["const arena = memory.buffer;", ...statements.slice(1), ...fields.map((f) => `this.${f.name} = ${f.init};`)];

  const props: OptionalKind<PropertyDeclarationStructure>[] = klass.properties ?? [];
  for (const f of fields) props.push({ name: f.name, scope: Scope.Private, isReadonly: true, type: f.type });
  props.push({ name: "wasm$", scope: Scope.Private, hasExclamationToken: true, type: exportsType, docs: ["The instance's step functions."] });
  props.push({ name: "wasmPages", isStatic: true, isReadonly: true, initializer: String(g.pages), docs: ["64 KiB pages of the model's WebAssembly.Memory (arena and matmul scratch)."] });
  klass.properties = props;

  const methods: OptionalKind<MethodDeclarationStructure>[] = klass.methods ?? [];
  for (const m of methods) {
    if (m.name === "create") {
      m.statements = [
        `const code = await compileWasm(options.wasm);`,
        `const memory = new __dlmWasm.Memory({ initial: ${g.pages}, maximum: ${g.pages} });`,
        `const model = new ${g.className}(memory);`,
        `const instance = await __dlmWasm.instantiate(code, model.imports$(memory));`,
        `model.wasm$ = instance.exports as unknown as ${exportsType};`,
        `model.initState(options.seed ?? ${g.seed});`,
        `return model;`,
      ];
      m.parameters = [{ name: "options", type: `{ seed?: number; wasm?: ${WASM_SOURCE_TYPE} }`, initializer: "{}" }];
      m.docs = ["Allocates the Wasm memory once, instantiates the step functions, and initialises the state from `seed` (the same seed gives the same weights as the TS target). `wasm`: where the code comes from, as for `compileWasm` (default: the .wasm next to this module, compiled once)."];
    }
    const step = RUN_METHOD.get(m.name);
    if (step !== undefined) {
      const run = g.runs[step];
      if (run === undefined) throw new Error(`wasm glue: no Wasm function for ${step}`);
      m.statements = [`this.wasm$.${run}();`];
    }
  }
  const env = [
    "memory",
    ...thunks.map((t) => `${t.name}: () => this.${t.name}()`),
    ...(g.foreignThunks ?? []).map((n) => `${n}: () => { throw new Error("${n} belongs to another model of this module"); }`),
  ];
  methods.push({
    name: "imports$",
    scope: Scope.Private,
    parameters: [{ name: "memory", type: "__DlmWasmMemory" }],
    returnType: "Record<string, Record<string, unknown>>",
    statements: [`return { env: { ${env.join(", ")} } };`],
  });
  for (const t of thunks) methods.push({ name: t.name, scope: Scope.Private, returnType: "void", statements: t.body });
  klass.methods = methods;
  dropUnusedFields(klass);
}

const text = (x: unknown): string => (typeof x === "string" ? x : Array.isArray(x) ? x.map(text).join("\n") : "");

/**
 * The TS step bodies this class no longer has made view fields that nothing reads now: drop each private
 * readonly field whose `this.<name>` appears only in its own constructor assignment.
 */
function dropUnusedFields(klass: ClassDeclarationStructure): void {
  const ctor = klass.ctors![0]!;
  const inits = ctor.statements as string[];
  // Every `this.<name>` read, counted once over all code (linear in its size, whatever the field count).
  const used = new Set<string>();
  const collect = (code: string): void => {
    for (const m of code.matchAll(/\bthis\.([A-Za-z_$][A-Za-z0-9_$]*)/g)) used.add(m[1]!);
  };
  for (const m of klass.methods ?? []) collect(text(m.statements));
  for (const p of klass.properties ?? []) collect(text(p.initializer));
  for (const st of inits) collect(st.replace(/^this\.[A-Za-z0-9_$]+ = /, ""));
  const dead = new Set((klass.properties ?? []).filter((p) => p.scope === Scope.Private && p.isReadonly && !p.isStatic && !used.has(p.name)).map((p) => p.name));
  klass.properties = (klass.properties ?? []).filter((p) => !dead.has(p.name));
  ctor.statements = inits.filter((st) => !dead.has(/^this\.([A-Za-z0-9_$]+) = /.exec(st)?.[1] ?? ""));
}
