// Front-end speed: parse + check of a generated ~1 MB `.dlm` file (many distinct models built from the
// examples). Target on the 2-core reference machine: under 1 s. Run: npm run bench -- front-end

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../grammar/index.js";
import { check } from "../compiler/check/index.js";

export function bigSource(bytes: number, examplesDir: string): string {
  const models = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".dlm"))
    .map((f) => readFileSync(join(examplesDir, f), "utf8"))
    .flatMap((text) => text.match(/^model [\s\S]*?^}/gm) ?? []);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    // Rename every model so each copy is a distinct declaration.
    const text = models[i % models.length]!.replace(/\b(model|\|>|=) ?([A-Z]\w*)/g, (m, kw: string, name: string) =>
      kw === "model" ? `model ${name}_${i}` : m,
    ).replace(/\b(TransformerLayer)\(/g, `TransformerLayer_${i}(`);
    parts.push(text);
    size += text.length + 1;
  }
  return parts.join("\n");
}

export function benchFrontEnd(examplesDir = "examples"): string {
  const text = bigSource(1 << 20, examplesDir);
  const runs: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const p = parse(text, "big.dlm");
    const c = check(p.ast);
    runs.push(performance.now() - t0);
    diagnostics = p.diagnostics.length + c.diagnostics.filter((d) => d.severity === "error").length;
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  return `front end: parse + check of ${(text.length / 1e6).toFixed(2)} MB (${diagnostics} errors): median ${median.toFixed(0)} ms of 5 (target < 1000 ms)`;
}
