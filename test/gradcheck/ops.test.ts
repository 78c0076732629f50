// Gradcheck of every differentiable op: AD (float64 reference) vs central finite differences.

import { describe, expect, it } from "vitest";
import { gradCases } from "./cases/index.js";
import { gradcheck } from "./harness.js";

describe("gradcheck per op", () => {
  it.each(gradCases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const r = gradcheck(c);
    expect(r.opPresent, `case "${c.name}" does not contain ${c.op}`).toBe(true);
    expect(r.independent).toEqual([]);
    expect(r.checked).toBeGreaterThan(0);
    expect(r.mismatches.slice(0, 5)).toEqual([]);
  });
});
