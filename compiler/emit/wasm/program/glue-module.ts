// The glue module's text and declarations: header, runtime imports (only the names the code still uses
// once the steps run in Wasm), the Wasm loader, the classes (glue-print.ts) and the module helpers.
//
// The loader works in Node and in browsers/bundlers alike. Nothing is loaded on import: the first
// `create()` compiles `<name>.wasm` next to the module (Node: read with node:fs, imported only then;
// elsewhere: fetched, compiled while it streams when served as application/wasm), and every later model
// shares that compiled module. `create({ wasm })` and the exported `compileWasm(source)` take the code
// from elsewhere: bytes, a URL, a fetch() Response (or its promise), or a compiled WebAssembly.Module.
// The module names no DOM or Node type, so it type-checks with either library or neither.

import type { ClassDeclarationStructure, InterfaceDeclarationStructure } from "ts-morph";
import type { ModuleContext } from "../../ts/context.js";
import { DEFAULT_RUNTIME, fitTypes, helperCode, helperOrder, helperText } from "../../ts/helpers.js";
import type { GlueStatement } from "./glue-print.js";
import { printDeclarations, printModule } from "./glue-print.js";

/** The type of a Wasm source, as the generated signatures spell it. */
export const WASM_SOURCE_TYPE = "string | URL | ArrayBuffer | Uint8Array | object";

/** Module-level loader code (names no user name can produce: `__dlm…`, and `compileWasm`, which is not PascalCase). */
export function wasmPrelude(wasmFile: string): string {
  return `
interface __DlmWasmMemory {
  readonly buffer: ArrayBuffer;
}
interface __DlmResponse {
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly headers?: { get(name: string): string | null };
}
interface __DlmWasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => __DlmWasmMemory;
  Module: abstract new (bytes: Uint8Array) => object;
  compile(bytes: ArrayBuffer | Uint8Array): Promise<object>;
  compileStreaming?: (response: __DlmResponse) => Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<{ exports: Record<string, unknown> }>;
}
const __dlmWasm = (globalThis as unknown as { WebAssembly: __DlmWasmApi }).WebAssembly;
let __dlmDefault: Promise<object> | undefined;

/**
 * Compiles the models' Wasm code from \`source\`: its bytes, a URL, a fetch() Response or the promise of one
 * (compiled while it streams when served as application/wasm), or a compiled WebAssembly.Module (returned
 * as it is). Without \`source\`: ${wasmFile} next to this module (read from disk under Node, fetched
 * elsewhere), compiled once for every model created without a \`wasm\` option.
 */
export function compileWasm(source?: ${WASM_SOURCE_TYPE}): Promise<object> {
  if (source !== undefined) return __dlmCompile(source);
  __dlmDefault ??= __dlmCompile(new URL(${JSON.stringify(`./${wasmFile}`)}, import.meta.url));
  return __dlmDefault;
}

async function __dlmCompile(source: ${WASM_SOURCE_TYPE}): Promise<object> {
  if (typeof source === "string" || source instanceof URL) {
    const url = new URL(source, import.meta.url);
    if (url.protocol === "file:") {
      // Only under Node; a variable specifier keeps bundlers and type checkers from resolving it.
      const fs = "node:fs/promises";
      const { readFile } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fs)) as { readFile(path: URL): Promise<Uint8Array> };
      return __dlmWasm.compile(await readFile(url));
    }
    source = await (globalThis as unknown as { fetch(url: URL): Promise<__DlmResponse> }).fetch(url);
  }
  const value: object = await source;
  if (value instanceof ArrayBuffer || value instanceof Uint8Array) return __dlmWasm.compile(value);
  if (value instanceof __dlmWasm.Module) return value;
  const response = value as __DlmResponse;
  if (typeof response.arrayBuffer !== "function") throw new TypeError("compileWasm: expected the .wasm bytes, a URL, a fetch() Response or a WebAssembly.Module");
  if (__dlmWasm.compileStreaming !== undefined && response.headers?.get("content-type") === "application/wasm") return __dlmWasm.compileStreaming(response);
  return __dlmWasm.compile(await response.arrayBuffer());
}
`;
}

/** The declaration of what the prelude exports. */
const PRELUDE_DECLARATIONS = `/** Compiles the models' Wasm code (see the module): bytes, a URL, a fetch() Response (or its promise), or a compiled WebAssembly.Module. */
export declare function compileWasm(source?: ${WASM_SOURCE_TYPE}): Promise<object>;`;

export interface GlueModuleInput {
  /** `<name>.ts` */
  fileName: string;
  wasmFile: string;
  /** Comment lines at the top (each starting with `//`). */
  header: readonly string[];
  /** Every model's interfaces and (rewritten) class, in order. */
  body: ReadonlyArray<InterfaceDeclarationStructure | ClassDeclarationStructure>;
  /** Whether any class has fit() (the module then carries the fit types). */
  usesFit: boolean;
  /** Runtime imports and helpers the TS classes asked for (some may be unused once the steps run in Wasm). */
  mod: ModuleContext;
  /** Module specifier of the platform-neutral runtime (default "dlm/runtime/core"). */
  runtime?: string;
  /** Module specifier of the Node file functions save/load import when called (default "dlm/runtime/node"). */
  runtimeNode?: string;
  /** Also return `<name>.d.ts` (default true). */
  declarations?: boolean;
}

/** Whether `name` occurs in `code` as an identifier (not after a `.`, not in a comment). */
function uses(name: string, code: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`).test(code);
}

const stripComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

/** `<name>.ts` (and `<name>.d.ts`): the glue module's files. */
export function glueFiles(input: GlueModuleInput): Record<string, string> {
  const runtime = input.runtime ?? DEFAULT_RUNTIME;
  const statements: GlueStatement[] = [...(input.usesFit ? [fitTypes] : []), ...input.body];
  const classes = printModule(statements);
  const code = stripComments(classes);
  // Runtime names the replaced TS step bodies used and nothing else does are not imported; neither are
  // module helpers only they needed (uniformAt of a dropout that now runs in Wasm).
  const mod = input.mod;
  const needed = new Set(helperOrder.filter((h) => mod.helpers.has(h) && uses(h, code)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const h of helperOrder) {
      if (!mod.helpers.has(h) || needed.has(h) || ![...needed].some((n) => uses(h, stripComments(helperCode[n]).replace(new RegExp(`function ${n}\\b`), "")))) continue;
      needed.add(h);
      grew = true;
    }
  }
  const helpers = helperOrder.filter((h) => needed.has(h)).map((h) => helperText(h, input.runtimeNode));
  const all = `${code}\n${stripComments(helpers.join("\n"))}`;
  const values = [...mod.imports].filter((n) => uses(n, all)).sort();
  const types = [...mod.typeImports].filter((t) => !mod.imports.has(t) && uses(t, all)).sort();
  const imports: string[] = [];
  if (values.length > 0) imports.push(`import { ${values.join(", ")} } from ${JSON.stringify(runtime)};`);
  if (types.length > 0) imports.push(`import type { ${types.join(", ")} } from ${JSON.stringify(runtime)};`);
  const top = [...input.header, ...imports].join("\n");
  const text = [top, wasmPrelude(input.wasmFile).trim(), classes.trimEnd(), ...helpers].join("\n\n") + "\n";
  const files: Record<string, string> = { [input.fileName]: text };
  if (input.declarations ?? true) {
    const dts = printDeclarations([PRELUDE_DECLARATIONS, ...(input.usesFit ? [fitTypes] : [])], input.body);
    const runtimeTypes = [...new Set([...mod.imports, ...mod.typeImports])].filter((n) => uses(n, stripComments(dts))).sort();
    const head = [`// Declarations of ${input.fileName} (generated by dlm with it).`];
    if (runtimeTypes.length > 0) head.push(`import type { ${runtimeTypes.join(", ")} } from ${JSON.stringify(runtime)};`);
    files[input.fileName.replace(/\.ts$/, ".d.ts")] = `${head.join("\n")}\n\n${dts}`;
  }
  return files;
}
