import { it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { optimizeProgram } from "../../compiler/pipeline.js";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
it("scratch", () => {
  const pat = new Map<string, number>();
  for (const f of readdirSync("examples").filter((x) => x.endsWith(".dlm"))) {
    const fe = frontEnd(readFileSync(`examples/${f}`, "utf8"), f);
    const r = lowerProgram(fe.checked, f, { batch: 4 });
    const o = optimizeProgram(r.program).program;
    for (const m of o.models) for (const s of ["predict", "evaluate", "train"] as const) {
      const st = m[s]; if (!st) continue;
      const g = st.graph;
      for (const n of g.nodes) for (const i of n.inputs) {
        const p = g.nodes[i]!;
        if (p.inputs.length === 0) continue;
        const k = `${p.op} -> ${n.op}`;
        pat.set(k, (pat.get(k) ?? 0) + 1);
      }
    }
  }
  console.log("PAT\n" + [...pat].sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, v]) => `${v} ${k}`).join("\n"));
});
