// Names and strings in generated code: identifiers are valid, unique and never reserved or runtime
// names; string literals and comments survive any user text (quotes, backslashes, line separators,
// backticks, `${`, `*/`). Checked by parsing the produced code with TypeScript.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { Namer, commentText, identifier, propertyKey, stringLiteral } from "../../compiler/emit/ts/names.js";
import { RUNTIME_NAMES } from "../../compiler/emit/ts/index.js";

function parses(code: string): boolean {
  const sf = ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true);
  return (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0;
}

describe("identifiers", () => {
  it("camelCases layer and state names", () => {
    expect(identifier("hidden.weight")).toBe("hiddenWeight");
    expect(identifier("train_log_softmax12")).toBe("trainLogSoftmax12");
    expect(identifier("conv-1", "pascal")).toBe("Conv1");
    expect(identifier("3d")).toBe("_3d");
    expect(identifier("")).toBe("_");
  });

  it("avoids reserved words, class members, runtime imports and earlier names", () => {
    const n = new Namer(["matmul", "predict"]);
    expect(n.fresh("constructor")).toBe("constructor_");
    expect(n.fresh("__proto__")).not.toBe("__proto__");
    expect(n.fresh("then")).toBe("then_");
    expect(n.fresh("matmul")).toBe("matmul2");
    expect(n.fresh("predict")).toBe("predict2");
    expect(n.fresh("x")).toBe("x");
    expect(n.fresh("x")).toBe("x2");
  });

  it("property: every fresh name is a valid, unique, non-runtime identifier", () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { maxLength: 20 }), (texts) => {
      const n = new Namer(RUNTIME_NAMES);
      const names = texts.map((t) => n.fresh(t));
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) {
        expect(name).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
        expect(RUNTIME_NAMES).not.toContain(name);
        expect(parses(`let ${name} = 1;`)).toBe(true);
      }
    }));
  });
});

describe("strings and comments", () => {
  const nasty = ["a\"b", "back\\slash", "line\nbreak", "sep\u2028par\u2029", "`tick` ${x}", "*/ end", "</script>", "\u0000nul"];

  it.each(nasty)("a string literal of %j evaluates back to the same text", (text) => {
    const lit = stringLiteral(text);
    expect(parses(`const s = ${lit};`)).toBe(true);
    expect(JSON.parse(lit.replace(/\\u2028/g, "\u2028").replace(/\\u2029/g, "\u2029"))).toBe(text);
    expect(lit).not.toMatch(/[\u2028\u2029\n]/);
  });

  it("property: any text is a safe comment and property key", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 30 }), (text) => {
      expect(parses(`/* ${commentText(text)} */ const a = 1;\n// ${commentText(text)}\nconst b = 2;`)).toBe(true);
      expect(parses(`const o = { ${propertyKey(text)}: 1 };`)).toBe(true);
    }));
  });

  it("a __proto__ field stays an own property", () => {
    expect(propertyKey("__proto__")).toBe('["__proto__"]');
  });
});

describe("model names that clash", () => {
  it("a model called like a runtime import gets another class name, which classNameOf reports", async () => {
    const { mlpProgram, compiledOf } = await import("./programs.js");
    const { classNameOf } = await import("../../compiler/emit/ts/index.js");
    const { loadCompiled } = await import("../../compiler/emit/ts/load.js");
    const model = { ...mlpProgram(4), name: "Dataset" };
    const program = compiledOf(model, "weird name.dlm");
    const name = classNameOf(program, "Dataset");
    expect(name).toBe("Dataset2");
    const mod = await loadCompiled(program);
    expect(typeof mod[name]).toBe("function");
    expect(mod["Dataset"]).toBeUndefined();
  });
});
