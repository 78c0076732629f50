// The static import graph of an emitted module through the runtime's source: which specifiers a bundler
// (or a browser) must resolve when the module is imported, without running anything. Type-only imports
// and exports are erased by every TS compiler, so they are not edges; dynamic import() calls are not
// edges either (they run only when called) and are listed apart, with whether their specifier is a
// literal a bundler would follow. Packages are followed into their ESM files in node_modules.

import { builtinModules } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ts } from "ts-morph";
import { REPO } from "./examples.js";

/** The runtime entries by package specifier, as source files. */
export const RUNTIME_ENTRIES: Readonly<Record<string, string>> = {
  "dlm/runtime": join(REPO, "runtime/index.ts"),
  "dlm/runtime/core": join(REPO, "runtime/core.ts"),
  "dlm/runtime/node": join(REPO, "runtime/node.ts"),
};

export interface ModuleImports {
  /** Specifiers of value imports and re-exports (what loading the module loads). */
  readonly static: string[];
  /** import() calls: the literal specifier, or undefined when it is computed (a bundler does not follow it). */
  readonly dynamic: (string | undefined)[];
}

/** The imports of one module's text. */
export function moduleImports(code: string, fileName = "module.ts"): ModuleImports {
  const kind = /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, kind);
  const found: ModuleImports = { static: [], dynamic: [] };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      // `import type { … }` and an import whose every name is `type` are erased.
      const typeOnly = clause !== undefined && (clause.isTypeOnly
        || (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)
          && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.static.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined && ts.isStringLiteral(st.moduleSpecifier)) {
      if (!st.isTypeOnly) found.static.push(st.moduleSpecifier.text);
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      found.dynamic.push(arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : undefined);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export const isNodeBuiltin = (spec: string): boolean => spec.startsWith("node:") || builtinModules.includes(spec) || builtinModules.includes(spec.split("/")[0]!);

export interface ImportGraph {
  /** Files reached (runtime sources, and the ESM files of packages they import), relative to the repository. */
  readonly files: string[];
  /** Specifiers reached that resolve to no file here: Node built-ins, or packages not installed. */
  readonly external: { spec: string; from: string }[];
  /** Literal dynamic imports anywhere in the graph (a bundler would include their targets). */
  readonly literalDynamic: { spec: string; from: string }[];
}

type Exports = string | null | { [key: string]: Exports };

/** The file a bundler targeting browsers picks for a bare specifier ("browser", else "import", else "default"). */
function resolvePackage(spec: string): string | undefined {
  if (isNodeBuiltin(spec)) return undefined;
  const parts = spec.split("/");
  const pkg = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const sub = `.${spec.slice(pkg.length)}`;
  const root = join(REPO, "node_modules", pkg);
  if (!existsSync(join(root, "package.json"))) return undefined;
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports?: Exports; module?: string; main?: string };
  const pick = (e: Exports | undefined): string | undefined => {
    if (e === undefined || e === null) return undefined;
    if (typeof e === "string") return e;
    for (const c of ["browser", "import", "default"]) {
      const r = pick(e[c]);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  let target: string | undefined;
  if (meta.exports !== undefined) {
    const e = meta.exports;
    target = typeof e === "object" && e !== null && Object.keys(e).some((k) => k.startsWith(".")) ? pick(e[sub]) : sub === "." ? pick(e) : undefined;
  } else {
    target = sub === "." ? (meta.module ?? meta.main ?? "index.js") : sub;
  }
  return target === undefined ? undefined : withExtension(join(root, target));
}

/** A relative specifier's file: `./x.js` of a TS source is `./x.ts`; a package file may omit `.js`. */
function withExtension(path: string): string | undefined {
  for (const p of [path, path.replace(/\.js$/, ".ts"), `${path}.js`, join(path, "index.js")]) if (existsSync(p) && statSync(p).isFile()) return p;
  return undefined;
}

/**
 * Walks the static imports from `code` (an emitted module; runtime entries resolved to their source) or
 * from a runtime source file, following relative imports (`./x.js` → `./x.ts`) and packages (their ESM
 * files, as a bundler for browsers picks them).
 */
export function importGraph(start: { code: string; name: string } | { file: string }): ImportGraph {
  const files = new Set<string>();
  const external: { spec: string; from: string }[] = [];
  const literalDynamic: { spec: string; from: string }[] = [];
  const queue: { file: string; code: string; name: string }[] = [];
  const enqueue = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    queue.push({ file, code: readFileSync(file, "utf8"), name: relative(REPO, file) });
  };
  const handle = (code: string, name: string, file: string | undefined): void => {
    const imports = moduleImports(code, name);
    for (const spec of imports.static) {
      const entry = RUNTIME_ENTRIES[spec];
      const target = entry ?? (spec.startsWith(".") ? (file === undefined ? undefined : withExtension(join(dirname(file), spec))) : resolvePackage(spec));
      if (target !== undefined) enqueue(target);
      else external.push({ spec, from: name });
    }
    for (const spec of imports.dynamic) if (spec !== undefined) literalDynamic.push({ spec, from: name });
  };
  if ("file" in start) enqueue(start.file);
  else handle(start.code, start.name, undefined);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) handle(next.code, next.name, next.file);
  return { files: [...files].map((f) => relative(REPO, f)).sort(), external, literalDynamic };
}
