// Front-end speed: parse + check of a generated ~1 MB `.dlm` file (many distinct models built from the
// examples). Target on the 2-core reference machine: under 1 s. Run: npm run bench -- front-end

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../grammar/index.js";
import { check } from "../compiler/check/index.js";

export function bigSource(bytes: number, examplesDir: string): string {
  const files = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".dlm"))
    .sort()
    .map((f) => readFileSync(join(examplesDir, f), "utf8"));
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    // Each copy renames the models and data it declares (and their uses), so copies do not clash.
    let text = files[i % files.length]!;
    const declared = [...text.matchAll(/^(?:model|data) (\w+)/gm)].map((m) => m[1]!);
    for (const name of declared) text = text.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}_${i}`);
    parts.push(text);
    size += text.length + 1;
  }
  return parts.join("\n");
}

export function benchFrontEnd(examplesDir = "examples"): string {
  const text = bigSource(1 << 20, examplesDir);
  const wall: number[] = [];
  const cpu: number[] = [];
  let errors = 0;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const p = parse(text, "big.dlm");
    const c = check(p.ast);
    wall.push(performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    // CPU time of this thread's process is what the machine's load cannot inflate as much as wall time.
    cpu.push((c1.user + c1.system) / 1000);
    errors = p.diagnostics.length + c.diagnostics.filter((d) => d.severity === "error").length;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
  return (
    `front end: parse + check of ${(text.length / 1e6).toFixed(2)} MB (${errors} errors): ` +
    `median ${median(wall).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU, of 5 runs (target < 1000 ms)`
  );
}
