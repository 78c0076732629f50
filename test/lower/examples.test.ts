// Every example the checker accepts lowers without crashing; every graph it produces verifies. Examples
// that use something lowering does not support yet must say so with a DLM4xxx diagnostic.

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
      const r = lowerProgram(fe.checked, f, { batch: 4 });
      for (const d of r.diagnostics) expect(d.code).toMatch(/^DLM[34]\d{3}$/);
      if (process.env["SHOW"]) console.log(f, r.program.models.map((m) => `${m.name} state=${m.state.length} predict=${m.predict.graph.nodes.length} eval=${m.evaluate?.graph.nodes.length} train=${m.train?.graph.nodes.length} outs=${m.train?.graph.outputs.map((o) => o.name)}`), fe.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`), r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span.start.line}`));
      for (const m of r.program.models) {
        for (const s of [m.predict, m.evaluate, m.train]) {
          if (s) expect(verify(s.graph)).toEqual([]);
        }
      }
      const accepted = fe.checked.trains.filter((t) => t.ok).length;
      expect(r.program.models.length + r.diagnostics.filter((d) => d.severity === "error").length).toBeGreaterThanOrEqual(accepted > 0 ? 1 : 0);
    });
  }
});
