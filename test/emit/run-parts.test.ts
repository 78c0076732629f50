// Every run method of every example's TS module stays small enough for V8 to optimize (step.ts says why):
// a long step comes in parts of about PART_CHARS characters, called in order by the step's method.

import { readdirSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { emitUnformatted } from "../../compiler/emit/ts/index.js";
import { PART_CHARS } from "../../compiler/emit/ts/step.js";
import { REPO, lowerExample } from "./examples.js";

const names = readdirSync(`${REPO}examples`).filter((f) => f.endsWith(".dlm")).map((f) => f.replace(/\.dlm$/, "")).sort();

/** Private run methods of every class: name → body text. */
function runMethods(text: string): Map<string, string> {
  const file = ts.createSourceFile("m.ts", text, ts.ScriptTarget.Latest, true);
  const out = new Map<string, string>();
  const visit = (n: ts.Node): void => {
    if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && /^run[A-Z]/.test(n.name.text) && n.body) {
      out.set(`${(n.parent as ts.ClassDeclaration).name?.text}.${n.name.text}`, n.body.getText(file));
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

describe("run methods in parts", () => {
  it.each(names)("examples/%s.dlm: no run method is much over PART_CHARS", (name) => {
    const methods = runMethods(emitUnformatted(lowerExample(name).program).text);
    expect(methods.size).toBeGreaterThan(0);
    for (const [method, body] of methods) expect(body.length, method).toBeLessThan(2 * PART_CHARS);
  });

  it("the character LSTM's train step is called part by part, in order", () => {
    const methods = runMethods(emitUnformatted(lowerExample("char-lstm").program).text);
    const train = methods.get("CharLstm.runTrain")!;
    const calls = [...train.matchAll(/this\.runTrainPart(\d+)\(\);/g)].map((m) => Number(m[1]));
    expect(calls.length).toBeGreaterThan(10);
    expect(calls).toEqual(calls.map((_, i) => i + 1));
    expect([...methods.keys()].filter((k) => k.startsWith("CharLstm.runTrainPart")).length).toBe(calls.length);
  });
});
