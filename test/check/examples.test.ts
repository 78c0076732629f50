// Every example checks with zero errors and zero warnings.

import { readdirSync } from "node:fs";
import { expect, test } from "vitest";
import { checkExample, examplesDir } from "./helpers.js";

const names = readdirSync(examplesDir).filter((f) => f.endsWith(".dlm")).map((f) => f.replace(/\.dlm$/, ""));

test.each(names)("%s checks clean", (name) => {
  const r = checkExample(name);
  expect(r.diagnostics).toEqual([]);
  expect(r.program.models.every((m) => m.ok)).toBe(true);
  expect(r.program.trains.every((t) => t.ok && t.objectives.length > 0)).toBe(true);
  expect(r.program.data.every((d) => d.ok && d.kind === "examples")).toBe(true);
});
