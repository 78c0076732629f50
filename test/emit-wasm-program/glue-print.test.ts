// The glue printer (glue-print.ts) against ts-morph and the TypeScript compiler as references: the same
// structures printed both ways parse to the same program, and the .d.ts equals TypeScript's declaration
// emit of the printed module. Also: re-indenting never touches the inside of template literals, and the
// structure-kind constants are ts-morph's.

import { Project, Scope as TsmScope, StructureKind as TsmKind, ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { printDeclarations, printModule, reindent } from "../../compiler/emit/wasm/program/glue-print.js";
import { Scope, StructureKind } from "../../compiler/emit/ts/structure-kinds.js";
import { emitModel } from "../../compiler/emit/ts/model-class.js";
import { ModuleContext } from "../../compiler/emit/ts/context.js";
import { RUNTIME_NAMES, moduleNames } from "../../compiler/emit/ts/index.js";

/** The program as TypeScript's printer writes it (comments dropped): equal output = the same program. */
function canonical(code: string, file = "m.ts"): string {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const errors = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  return ts.createPrinter({ removeComments: true }).printFile(sf);
}

it("structure kinds and scopes are ts-morph's", () => {
  for (const [name, value] of Object.entries(StructureKind)) expect(value, name).toBe(TsmKind[name as keyof typeof TsmKind]);
  for (const [name, value] of Object.entries(Scope)) expect(value, name).toBe(TsmScope[name as keyof typeof TsmScope]);
});

describe("reindent", () => {
  it("indents by bracket depth, dedents leading closers, ignores brackets in strings and comments", () => {
    const code = ["for (let i = 0; i < n; i++) {", "if (a[i] === \"{\") {", "x({", "k: '}',", "}); // ) ] }", "}", "}"].join("\n");
    expect(reindent(code, 1)).toEqual([
      "  for (let i = 0; i < n; i++) {",
      "    if (a[i] === \"{\") {",
      "      x({",
      "        k: '}',",
      "      }); // ) ] }",
      "    }",
      "  }",
    ]);
  });

  it("keeps the lines of a multi-line template literal exactly (their whitespace is the string's)", () => {
    const code = ["const t = `a {", "   ${f({ x: 1 })} (", "b`;", "if (x) {", "y();", "}"].join("\n");
    expect(reindent(code, 1)).toEqual(["  const t = `a {", "   ${f({ x: 1 })} (", "b`;", "  if (x) {", "    y();", "  }"]);
  });
});

describe.each(["mlp", "cnn", "char-lstm", "detection"])("%s", (name) => {
  it("the printed classes are the program ts-morph prints", () => {
    const { program } = lowerExample(name);
    const mod = new ModuleContext();
    const names = moduleNames(program);
    const statements = program.models.flatMap((m) => emitModel(m, names.get(m.name)!, mod, RUNTIME_NAMES, undefined, { file: `${name}.dlm`, fuse: true }).statements);
    const ours = printModule(statements);
    const theirs = new Project({ useInMemoryFileSystem: true }).createSourceFile("x.ts", { statements }).getFullText();
    expect(canonical(ours)).toBe(canonical(theirs));
    // and it is indented: no line of a method body starts at column 0
    expect(ours.split("\n").filter((l) => /^(const|let|for|if|this\.|return)\b/.test(l))).toEqual([]);
  }, 60_000);

  it("the .d.ts is TypeScript's declaration emit of the glue", async () => {
    const { program, text } = lowerExample(name);
    const out = await emitWasm(program, { sources: { [`${name}.dlm`]: text }, optimize: false });
    const glue = out.files[`${name}.ts`]!;
    const dts = out.files[`${name}.d.ts`]!;
    const reference = ts.transpileDeclaration(glue, { fileName: `${name}.ts`, reportDiagnostics: false, compilerOptions: { isolatedDeclarations: true, declaration: true } }).outputText;
    expect(canonical(dts, "m.d.ts")).toBe(canonical(reference, "m.d.ts"));
  }, 120_000);
});

it("printDeclarations drops private types and keeps readonly literals, as TypeScript does", () => {
  const dts = printDeclarations([], [
    {
      kind: StructureKind.Class, name: "A", isExported: true,
      properties: [{ name: "n", isStatic: true, isReadonly: true, initializer: "3" }, { name: "p", scope: Scope.Private, type: "Secret", initializer: "x" }],
      ctors: [{ scope: Scope.Private, parameters: [{ name: "m", type: "Secret" }], statements: [] }],
      methods: [{ name: "f", parameters: [{ name: "o", type: "{ a?: number }", initializer: "{}" }], returnType: "number", statements: ["return 1;"] }],
    },
  ]);
  expect(canonical(dts, "a.d.ts")).toBe(canonical("export declare class A { static readonly n = 3; private p; private constructor(); f(o?: { a?: number }): number; }", "a.d.ts"));
});
