// Golden tests of diagnostics as a user sees them (header + code frame), for every error fixture of the
// grammar and the checker: each class of syntax, name and shape error has one.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";

const dirs = ["test/fixtures/syntax-errors", "test/fixtures/check-errors"].filter((d) => existsSync(d));

describe.each(dirs)("rendered diagnostics of %s", (dir) => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".dlm")).sort();
  it.each(files)("%s", async (name) => {
    const path = `${dir}/${name}`;
    const r = frontEnd(readFileSync(path, "utf8"), path);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    const text = renderDiagnostics(r.diagnostics, new Map([[path, r.source]]));
    for (const d of r.diagnostics) {
      expect(text).toContain(`${path}:${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}`);
    }
    await expect(text + "\n").toMatchFileSnapshot(`../../${dir}/${name.replace(/\.dlm$/, ".rendered.txt")}`);
  });
});
