// The TypeScript target: a CompiledProgram → one readable, typed TS module per `.dlm` file, importing only
// `dlm/runtime/core` (platform-neutral; `dlm/runtime/node` only dynamically, in save/load by path). Pipeline: plan memory per model (compiler/plan), emit each step graph as straight-line
// statements (step.ts, op-code.ts), assemble ts-morph structures (model-class.ts), print once, run
// prettier once. `loadCompiled` (load.ts) turns the result into a live module for `dlm train` and tests.

import { createRequire } from "node:module";
import type { ImportDeclarationStructure, StatementStructures } from "ts-morph";
import { StructureKind } from "./structure-kinds.js";
import type { CompiledProgram } from "../../program/types.js";
import type { ModelPlan } from "../../plan/step-values.js";
import { ModuleContext } from "./context.js";
import { DEFAULT_RUNTIME, fitTypes, helperOrder, helperText } from "./helpers.js";
import { HELPERS, emitModel, modelNames } from "./model-class.js";
import type { ModelNames } from "./model-class.js";
import { Namer, commentText } from "./names.js";
import type { SourceText } from "./step.js";

export { EmitError } from "./op-code.js";
export { DEFAULT_RUNTIME, DEFAULT_RUNTIME_NODE } from "./helpers.js";
export type { SourceText } from "./step.js";

export interface EmitOptions {
  /** `.dlm` source texts by file name, to quote each layer's line in comments. */
  sources?: Record<string, string>;
  /** Module specifier of the platform-neutral runtime, imported statically (default "dlm/runtime/core"). */
  runtime?: string;
  /** Module specifier of the Node file functions, imported only by save(path)/load(path) (default "dlm/runtime/node"). */
  runtimeNode?: string;
  /** Version written in the header (default: this package's). */
  version?: string;
  /** Run prettier on the output (default true). */
  format?: boolean;
  /** Fuse elementwise chains into one loop (default true; false emits one loop per node). */
  fuse?: boolean;
}

export interface EmitResult {
  /** `<name>.ts` → module text. */
  files: Record<string, string>;
  /** The memory plan of each model, by model name. */
  plans: Record<string, ModelPlan>;
}

/** Everything the runtime exports that generated code may import (names generated code must not shadow). */
export const RUNTIME_NAMES = [
  "matmul", "batchMatmul", "conv2dGeometry", "conv2d", "conv2dBackwardInput", "conv2dBackwardWeight", "pool2dGeometry",
  "maxPool2d", "maxPool2dBackward", "avgPool2d", "avgPool2dBackward", "upsampleNearest2d", "upsampleNearest2dBackward",
  "softmax", "softmaxBackward", "logSoftmax", "logSoftmaxBackward", "reduceSum", "reduceMean", "reduceMax", "transpose",
  "gatherRows", "scatterAddRows", "takeAlongLastAxis", "scatterAlongLastAxis", "copyStrided", "fill", "copy", "erf",
  "sigmoid", "createRng", "createAggregator", "checkInput", "copyInput", "serializeSafetensors", "parseSafetensors", "Batcher", "Dataset", "Tensor",
  "Conv2dGeometry", "Pool2dGeometry", ...HELPERS, "fmix32", "StepInfo", "EpochInfo", "FitOptions", "FitResult",
];

export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ["../../../package.json", "../../../../package.json"]) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === "dlm" && pkg.version) return pkg.version;
    } catch {
      // the source tree and dist/ sit at different depths
    }
  }
  return "unknown";
}

/** `mlp.dlm` → `mlp.ts` (`dir/My Model.dlm` → `my-model.ts`). */
export function moduleFileName(dlmFile: string): string {
  const base = (dlmFile.split(/[\\/]/).pop() ?? dlmFile).replace(/\.dlm$/i, "");
  const kebab = base.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return `${kebab === "" ? "model" : kebab}.ts`;
}

function sourceText(sources: Record<string, string> | undefined): SourceText | undefined {
  if (!sources) return undefined;
  const lines = new Map<string, string[]>();
  return {
    line(file, line) {
      let ls = lines.get(file);
      if (!ls) {
        const text = sources[file] ?? sources[file.split(/[\\/]/).pop() ?? file];
        if (text === undefined) return undefined;
        ls = text.split(/\r\n|\r|\n/);
        lines.set(file, ls);
      }
      return ls[line - 1];
    },
  };
}

/** Class and interface names of every model, by model name (what `loadCompiled`'s module exports). */
export function moduleNames(program: CompiledProgram): Map<string, ModelNames> {
  const top = new Namer(RUNTIME_NAMES);
  return new Map(program.models.map((m) => [m.name, modelNames(m, top)]));
}

/** The exported class name of a model (e.g. for `dlm train` to find it in the loaded module). */
export function classNameOf(program: CompiledProgram, model: string): string {
  const names = moduleNames(program).get(model);
  if (!names) throw new Error(`no model ${model} in ${program.file}`);
  return names.className;
}

/** The module text before formatting. */
export function emitUnformatted(program: CompiledProgram, options: EmitOptions = {}): { text: string; plans: Record<string, ModelPlan> } {
  const mod = new ModuleContext();
  const names = moduleNames(program);
  const source = sourceText(options.sources);
  const file = program.file.split(/[\\/]/).pop() ?? program.file;
  const plans: Record<string, ModelPlan> = {};
  const body: StatementStructures[] = [];
  let usesFit = false;
  for (const model of program.models) {
    const m = emitModel(model, names.get(model.name)!, mod, RUNTIME_NAMES, source, { file, fuse: options.fuse ?? true });
    plans[model.name] = m.plan;
    usesFit ||= m.usesFit;
    body.push(...m.statements);
  }
  const values = [...mod.imports].sort();
  const types = [...mod.typeImports].filter((t) => !mod.imports.has(t)).sort();
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  const imports: ImportDeclarationStructure[] = [];
  if (values.length > 0) imports.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: runtime, namedImports: values });
  if (types.length > 0) imports.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: runtime, isTypeOnly: true, namedImports: types });
  const header = [
    `// Generated by dlm ${options.version ?? packageVersion()} from ${commentText(file)}. Do not edit: change the .dlm file and run dlm compile again.`,
    `// Models: ${commentText(program.models.map((m) => m.name).join(", "))}. Imports only dlm/runtime/core (platform-neutral); every step runs in memory planned at compile time.`,
  ].join("\n");
  const helpers = helperOrder.filter((h) => mod.helpers.has(h)).map((h) => helperText(h, options.runtimeNode));

  // Loaded here, not on import: the Wasm target imports this module's names but never prints with ts-morph.
  const { Project } = createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");
  const project = new Project({ useInMemoryFileSystem: true });
  const sf = project.createSourceFile("module.ts", {
    statements: [header, ...imports, ...(usesFit ? [fitTypes.trim()] : []), ...body, ...helpers],
  });
  return { text: sf.getFullText(), plans };
}

export async function emitTypeScript(program: CompiledProgram, options: EmitOptions = {}): Promise<EmitResult> {
  const { text, plans } = emitUnformatted(program, options);
  const formatted = options.format === false ? text : await (await import("prettier")).format(text, { parser: "typescript", printWidth: 120 });
  return { files: { [moduleFileName(program.file)]: formatted }, plans };
}
