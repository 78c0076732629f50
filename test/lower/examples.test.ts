// Every example the checker accepts lowers (at a small batch) with no diagnostics, one ModelProgram per
// train block, and every graph it produces verifies; its state covers every param the graphs read.

import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/frontend.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerProgram } from "../../compiler/lower/index.js";

const dir = new URL("../../examples/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".dlm")).sort();

describe("examples lower", () => {
  for (const f of files) {
    it(f, () => {
      const fe = frontEnd(readFileSync(new URL(f, dir), "utf8"), f);
      const r = lowerProgram(fe.checked, f, { batch: 3 });
      if (fe.diagnostics.some((d) => d.severity === "error")) {
        for (const d of r.diagnostics) expect(d.code).toMatch(/^DLM[34]\d{3}$/);
        return;
      }
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(r.program.models.length).toBe(fe.checked.trains.length);
      for (const m of r.program.models) {
        const state = new Set(m.state.map((s) => s.name));
        for (const s of [m.predict, m.evaluate, m.train]) {
          if (!s) continue;
          expect(verify(s.graph)).toEqual([]);
          expect(s.graph.params.map((p) => p.name).filter((n) => !state.has(n))).toEqual([]);
          expect(s.updates.map((u) => u.state).filter((n) => !state.has(n))).toEqual([]);
          const inputs = new Set([...m.fields.map((x) => x.name), ...m.inputs.map((x) => x.name), ...s.hostScalars.map((h) => h.name)]);
          expect(s.graph.inputs.map((i) => i.name).filter((n) => !inputs.has(n))).toEqual([]);
        }
        expect(m.train!.graph.outputs[0]!.name).toBe("loss");
        expect(m.batch).toBe(3);
      }
    });
  }
});
