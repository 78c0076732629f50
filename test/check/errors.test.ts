// Diagnostic goldens: each test/fixtures/check-errors/<name>.dlm is parsed (it must be free of syntax
// errors) and checked; the checker's diagnostics (code, severity, line:col, message) are compared with
// <name>.diag.txt. Accept changes with `npx vitest run test/check -u` and read the diff.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "../../grammar/index.js";
import { check } from "../../compiler/check/index.js";

const dir = join(import.meta.dirname, "../fixtures/check-errors");
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".dlm")).sort();

describe("check-errors fixtures", () => {
  test.each(fixtures)("%s", async (file) => {
    const parsed = parse(readFileSync(join(dir, file), "utf8"), file);
    expect(parsed.diagnostics).toEqual([]);
    const { diagnostics } = check(parsed.ast);
    expect(diagnostics.length).toBeGreaterThan(0);
    const text = diagnostics.map((d) => `${d.code} ${d.severity} ${d.span.start.line}:${d.span.start.column} ${d.message}`).join("\n") + "\n";
    await expect(text).toMatchFileSnapshot(join(dir, file.replace(/\.dlm$/, ".diag.txt")));
  });
});
