// Prints the class and interface structures of the glue module (ts-morph structure objects, as the TS
// target's emitModel builds them) as TypeScript, and as declarations (.d.ts), without ts-morph, the
// TypeScript compiler or prettier.
//
// Design note (compile time): ts-morph prints structures by building a TypeScript AST and parsing its
// own output, and prettier then parses it again; with the declaration emit, that was 1-3 s of a
// 2-4 s `dlm compile --target wasm`. The structures the emitters make are a small, fixed subset
// (exported interfaces; one class with properties, a constructor and methods whose bodies are lists of
// statement strings), so they are printed here directly. Statement strings come unindented from the
// emitters: `reindent` indents them by bracket depth (strings, template literals and comments are
// skipped, and lines inside a multi-line template literal are left exactly as they are, since their
// whitespace is part of the string). Anything outside the subset throws, naming what it was.

import type {
  ClassDeclarationStructure,
  ConstructorDeclarationStructure,
  InterfaceDeclarationStructure,
  JSDocStructure,
  MethodDeclarationStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  PropertyDeclarationStructure,
  PropertySignatureStructure,
} from "ts-morph";
import { Scope, StructureKind } from "../../ts/structure-kinds.js";

/** What a glue module is made of: verbatim text (comments, imports, helpers) and structures. */
export type GlueStatement = string | InterfaceDeclarationStructure | ClassDeclarationStructure;

const INDENT = "  ";

type Docs = ReadonlyArray<string | OptionalKind<JSDocStructure>> | undefined;

function docText(docs: Docs, indent: string): string[] {
  const out: string[] = [];
  for (const d of docs ?? []) {
    const text = typeof d === "string" ? d : typeof d.description === "string" ? d.description : undefined;
    if (text === undefined) throw new Error("glue printer: a JSDoc written by a function");
    const lines = text.split("\n");
    if (lines.length === 1) out.push(`${indent}/** ${text} */`);
    else out.push(`${indent}/**`, ...lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`), `${indent} */`);
  }
  return out;
}

/** A body's statements as lines of code (strings only; nested arrays are flattened). */
function statementText(statements: unknown, where: string): string {
  const parts: string[] = [];
  const walk = (s: unknown): void => {
    if (typeof s === "string") parts.push(s);
    else if (Array.isArray(s)) s.forEach(walk);
    else if (s !== undefined) throw new Error(`glue printer: ${where} has a statement that is not text`);
  };
  walk(statements);
  return parts.join("\n");
}

/**
 * Indents code by its brackets, `level` levels deep: the lines inside brackets opened on one line go one
 * level deeper than that line (however many it opened, as in `f({`), and a line starting with closing
 * brackets goes back to the level of the line that opened them. Lines that start inside a template
 * literal are kept verbatim.
 */
export function reindent(code: string, level: number): string[] {
  const out: string[] = [];
  // The level of the contents of every open bracket.
  const open: number[] = [];
  // Open template literals and, inside their `${…}`, the brace depth of each expression.
  const templates: number[] = [];
  let inTemplate = false;
  let inBlockComment = false;
  for (const raw of code.split("\n")) {
    let lineLevel = open.length > 0 ? open[open.length - 1]! : level;
    if (inTemplate) {
      out.push(raw);
    } else {
      const line = raw.trim();
      let closers = 0;
      if (!inBlockComment) while (closers < line.length && ")]}".includes(line[closers]!)) closers++;
      const k = open.length - Math.min(closers, open.length);
      lineLevel = k > 0 ? open[k - 1]! : level;
      const pad = INDENT.repeat(lineLevel);
      out.push(line === "" ? "" : inBlockComment && line.startsWith("*") ? `${pad} ${line}` : pad + line);
    }
    // Scan the line for brackets, strings, comments and template boundaries.
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (inBlockComment) {
        if (c === "*" && raw[i + 1] === "/") {
          inBlockComment = false;
          i++;
        }
      } else if (inTemplate) {
        if (c === "\\") i++;
        else if (c === "`") {
          templates.pop();
          inTemplate = false;
        } else if (c === "$" && raw[i + 1] === "{") {
          templates.push(0);
          inTemplate = false;
          i++;
        }
      } else if (c === "/" && raw[i + 1] === "/") {
        break;
      } else if (c === "/" && raw[i + 1] === "*") {
        inBlockComment = true;
        i++;
      } else if (c === '"' || c === "'") {
        for (i++; i < raw.length && raw[i] !== c; i++) if (raw[i] === "\\") i++;
      } else if (c === "`") {
        templates.push(-1);
        inTemplate = true;
      } else if (c === "{" || c === "(" || c === "[") {
        open.push(lineLevel + 1);
        if (c === "{" && templates.length > 0 && templates[templates.length - 1]! >= 0) templates[templates.length - 1]!++;
      } else if (c === "}" && templates.length > 0 && templates[templates.length - 1] === 0) {
        // the end of a `${…}`: back inside the template
        templates[templates.length - 1] = -1;
        inTemplate = true;
      } else if (c === "}" || c === ")" || c === "]") {
        open.pop();
        if (c === "}" && templates.length > 0 && templates[templates.length - 1]! > 0) templates[templates.length - 1]!--;
      }
    }
  }
  return out;
}

function parameterList(params: readonly OptionalKind<ParameterDeclarationStructure>[] | undefined, declaration: boolean): string {
  return (params ?? [])
    .map((p) => {
      if (p.type === undefined) throw new Error(`glue printer: parameter ${p.name} has no type`);
      const optional = p.hasQuestionToken || (declaration && p.initializer !== undefined);
      const init = !declaration && p.initializer !== undefined ? ` = ${String(p.initializer)}` : "";
      return `${p.isRestParameter ? "..." : ""}${p.name}${optional ? "?" : ""}: ${String(p.type)}${init}`;
    })
    .join(", ");
}

function modifiers(m: { scope?: ScopeName | undefined; isStatic?: boolean | undefined; isReadonly?: boolean | undefined; isAsync?: boolean | undefined }, declaration = false): string {
  const scope = m.scope === Scope.Private || m.scope === Scope.Protected ? `${m.scope} ` : "";
  return `${scope}${m.isStatic ? "static " : ""}${m.isReadonly ? "readonly " : ""}${m.isAsync && !declaration ? "async " : ""}`;
}

type ScopeName = (typeof Scope)[keyof typeof Scope];

function propertySignature(p: OptionalKind<PropertySignatureStructure>, indent: string): string[] {
  if (p.type === undefined) throw new Error(`glue printer: interface member ${p.name} has no type`);
  return [...docText(p.docs, indent), `${indent}${p.isReadonly ? "readonly " : ""}${p.name}${p.hasQuestionToken ? "?" : ""}: ${String(p.type)};`];
}

function printInterface(s: InterfaceDeclarationStructure, declaration: boolean): string {
  if (s.typeParameters?.length || s.extends?.length || s.methods?.length || s.callSignatures?.length || s.indexSignatures?.length)
    throw new Error(`glue printer: interface ${s.name} uses more than properties`);
  return [
    ...docText(s.docs, ""),
    `${s.isExported ? "export " : ""}${declaration && !s.isExported ? "declare " : ""}interface ${s.name} {`,
    ...(s.properties ?? []).flatMap((p) => propertySignature(p, INDENT)),
    "}",
  ].join("\n");
}

function printProperty(p: OptionalKind<PropertyDeclarationStructure>, declaration: boolean): string[] {
  const docs = docText(p.docs, INDENT);
  if (!declaration) {
    const type = p.type === undefined ? "" : `: ${String(p.type)}`;
    const init = p.initializer === undefined ? "" : ` = ${String(p.initializer)}`;
    return [...docs, `${INDENT}${modifiers(p)}${p.name}${p.hasExclamationToken ? "!" : ""}${p.hasQuestionToken ? "?" : ""}${type}${init};`];
  }
  // As TypeScript's declaration emit: private members lose their types, a readonly literal keeps its value.
  if (p.scope === Scope.Private) return [...docs, `${INDENT}${modifiers(p)}${p.name};`];
  const init = p.initializer === undefined ? undefined : String(p.initializer);
  if (p.type === undefined && !(p.isReadonly && init !== undefined && /^-?[0-9.e+-]+$|^"(?:[^"\\]|\\.)*"$/.test(init)))
    throw new Error(`glue printer: property ${p.name} needs a type for its declaration`);
  const tail = p.type !== undefined ? `: ${String(p.type)}` : ` = ${init!}`;
  return [...docs, `${INDENT}${modifiers(p)}${p.name}${p.hasQuestionToken ? "?" : ""}${tail};`];
}

function printConstructor(c: OptionalKind<ConstructorDeclarationStructure>, declaration: boolean): string[] {
  const docs = docText(c.docs, INDENT);
  if (declaration) return [...docs, `${INDENT}${modifiers(c)}constructor(${c.scope === Scope.Private ? "" : parameterList(c.parameters, true)});`];
  return [...docs, `${INDENT}${modifiers(c)}constructor(${parameterList(c.parameters, false)}) {`, ...reindent(statementText(c.statements, "constructor"), 2), `${INDENT}}`];
}

function printMethod(m: OptionalKind<MethodDeclarationStructure>, declaration: boolean): string[] {
  if (m.typeParameters?.length || m.overloads?.length || m.isAbstract || m.isGenerator) throw new Error(`glue printer: method ${m.name} is not a plain method`);
  const docs = docText(m.docs, INDENT);
  if (declaration && m.scope === Scope.Private) return [...docs, `${INDENT}${modifiers(m, true)}${m.name};`];
  if (m.returnType === undefined) throw new Error(`glue printer: method ${m.name} has no return type`);
  const head = `${INDENT}${modifiers(m, declaration)}${m.name}(${parameterList(m.parameters, declaration)}): ${String(m.returnType)}`;
  if (declaration) return [...docs, `${head};`];
  return [...docs, `${head} {`, ...reindent(statementText(m.statements, `method ${m.name}`), 2), `${INDENT}}`];
}

function printClass(c: ClassDeclarationStructure, declaration: boolean): string {
  if (c.typeParameters?.length || c.extends || c.implements?.length || c.getAccessors?.length || c.setAccessors?.length || c.decorators?.length || c.staticBlocks?.length)
    throw new Error(`glue printer: class ${c.name} uses more than properties, a constructor and methods`);
  const members: string[][] = [];
  const props = (c.properties ?? []).flatMap((p) => printProperty(p, declaration));
  if (props.length > 0) members.push(props);
  for (const ctor of c.ctors ?? []) members.push(printConstructor(ctor, declaration));
  for (const m of c.methods ?? []) members.push(printMethod(m, declaration));
  const head = `${c.isExported ? "export " : ""}${declaration ? "declare " : ""}class ${c.name!} {`;
  return [...docText(c.docs, ""), head, members.map((m) => m.join("\n")).join(declaration ? "\n" : "\n\n"), "}"].join("\n");
}

function structureOf(s: GlueStatement): InterfaceDeclarationStructure | ClassDeclarationStructure | undefined {
  if (typeof s === "string") return undefined;
  if (s.kind !== StructureKind.Class && s.kind !== StructureKind.Interface) throw new Error(`glue printer: a statement of kind ${String((s as { kind: unknown }).kind)}`);
  return s;
}

/** The module's text: verbatim strings as they are, structures printed; one blank line between them. */
export function printModule(statements: readonly GlueStatement[]): string {
  return `${statements
    .map((s) => {
      const st = structureOf(s);
      if (st === undefined) return (s as string).trim();
      return st.kind === StructureKind.Class ? printClass(st, false) : printInterface(st, false);
    })
    .join("\n\n")}\n`;
}

/**
 * Declarations of the exported structures (what `tsc --declaration` writes for the module): `text` is
 * verbatim text to keep (e.g. exported interfaces written as text), `typeImport` the import line of the
 * runtime types the declarations use.
 */
export function printDeclarations(text: readonly string[], structures: readonly GlueStatement[]): string {
  const parts = [...text.map((t) => t.trim())];
  for (const s of structures) {
    const st = structureOf(s);
    if (st === undefined || !st.isExported) continue;
    parts.push(st.kind === StructureKind.Class ? printClass(st, true) : printInterface(st, true));
  }
  return `${parts.join("\n\n")}\n`;
}
