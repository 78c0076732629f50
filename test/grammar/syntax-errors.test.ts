// Each fixture in test/fixtures/syntax-errors/ is one class of syntax error; its diagnostics are goldened
// next to it as <name>.diag.txt (code, severity, line:col-line:col, message). `vitest -u` accepts changes.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "../../grammar/index.js";
import { formatDiagnostics, spanProblems } from "./helpers.js";

const dir = new URL("../fixtures/syntax-errors/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".dlm")).sort();

describe("syntax-error fixtures", () => {
  test("there is one fixture per class of error", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(13);
  });

  for (const file of fixtures) {
    test(file, async () => {
      const text = readFileSync(new URL(file, dir), "utf8");
      const { diagnostics, ast, source } = parse(text, file);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.every((d) => d.code.startsWith("DLM0") && d.code !== "DLM0099")).toBe(true);
      expect(spanProblems(source, diagnostics, ast)).toEqual([]);
      await expect(formatDiagnostics(diagnostics)).toMatchFileSnapshot(
        `../fixtures/syntax-errors/${file.replace(/\.dlm$/, ".diag.txt")}`,
      );
    });
  }
});
