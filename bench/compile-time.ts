// Compile time of `dlm compile FILE --target wasm` for every example, each in a fresh process as a user
// runs it (node startup, imports, front end, passes, emission, binaryen, writing), against the 2 s target
// of the Wasm target's issue. Wall time depends on what else the machine runs, so the CPU time of the
// child process (user + system, reported by the child itself on exit) and the load average are printed
// beside it; on a shared machine the CPU column is the one to compare.
//
// Run: npm run bench -- compile-time [--target ts|wasm] [--runs N] [--stages] [NAME…]
// --stages: instead, CPU time per stage of each compile (compile-stages.ts, also a fresh process each).
// (`npx dlm` adds npm's own startup, ~0.5 s of CPU, on top of the `node bin/dlm.js` measured here.)

import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TARGET_SECONDS = 2;

// Loaded into the child with --import: prints its CPU time to stderr when it exits.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  `process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("\\n@dlm-cpu-us " + (u.user + u.system) + "\\n"); });`,
)}`;

export interface CompileTimeOptions {
  target: "ts" | "wasm";
  runs: number;
  /** Example names (without .dlm); all when empty. */
  names: string[];
  /** Print CPU time per stage instead (Wasm target). */
  stages?: boolean;
}

export function parseCompileTimeArgs(args: string[]): CompileTimeOptions {
  const options: CompileTimeOptions = { target: "wasm", runs: 1, names: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--target") options.target = args[++i] === "ts" ? "ts" : "wasm";
    else if (a === "--runs") options.runs = Math.max(1, Number(args[++i]) || 1);
    else if (a === "--stages") options.stages = true;
    else options.names.push(a.replace(/\.dlm$/, ""));
  }
  return options;
}

interface Run {
  wall: number;
  cpu: number;
  load: number;
  code: number | null;
  error: string;
}

function runOnce(bin: string, file: string, target: string, out: string): Promise<Run> {
  const load = loadavg()[0]!;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", CPU_HOOK, bin, "compile", file, "--target", target, "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = (performance.now() - t0) / 1000;
      const m = /@dlm-cpu-us (\d+)/.exec(stderr);
      const error = code === 0 ? "" : stderr.replace(/@dlm-cpu-us \d+/, "").trim().split("\n")[0] ?? "";
      resolve({ wall, cpu: m ? Number(m[1]) / 1e6 : NaN, load, code, error });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function stagesOnce(script: string, file: string, out: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, out], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${file}: ${stderr.trim().split("\n")[0] ?? `exit ${code}`}`));
      else resolve((JSON.parse(stdout) as { stages: Record<string, number> }).stages);
    });
  });
}

async function stageTable(root: string, names: string[], out: string): Promise<string> {
  const script = join(root, "dist", "bench", "compile-stages.js");
  const rows: Array<[string, Record<string, number>]> = [];
  for (const name of names) {
    try {
      rows.push([name, await stagesOnce(script, join(root, "examples", `${name}.dlm`), join(out, name))]);
    } catch (e) {
      rows.push([name, { error: NaN }]);
      process.stderr.write(`compile-time: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  const columns = [...new Set(rows.flatMap(([, s]) => Object.keys(s)))].filter((c) => c !== "error");
  const sum = (s: Record<string, number>): number => columns.reduce((t, c) => t + (s[c] ?? 0), 0);
  return [
    `dlm compile --target wasm by stage: CPU ms in a fresh process per example (load ${loadavg()[0]!.toFixed(1)})`,
    `| example | ${columns.join(" | ")} | total |`,
    `|---|${columns.map(() => "---|").join("")}---|`,
    ...rows.map(([n, s]) => `| ${n} | ${columns.map((c) => (s[c] === undefined ? "" : s[c].toFixed(0))).join(" | ")} | ${"error" in s ? "failed" : sum(s).toFixed(0)} |`),
  ].join("\n");
}

export async function benchCompileTime(options: CompileTimeOptions = { target: "wasm", runs: 1, names: [] }): Promise<string> {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const bin = join(root, "bin", "dlm.js");
  const examples = join(root, "examples");
  const all = (await readdir(examples)).filter((f) => f.endsWith(".dlm")).map((f) => f.slice(0, -4)).sort();
  const names = options.names.length > 0 ? options.names : all;
  const out = await mkdtemp(join(tmpdir(), "dlm-compile-time-"));
  if (options.stages) {
    try {
      return await stageTable(root, names, out);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  const rows: string[] = [];
  let over = 0;
  try {
    for (const name of names) {
      const runs: Run[] = [];
      for (let r = 0; r < options.runs; r++) runs.push(await runOnce(bin, join(examples, `${name}.dlm`), options.target, join(out, name)));
      const failed = runs.find((r) => r.code !== 0);
      if (failed) {
        rows.push(`| ${name} | — | — | ${failed.load.toFixed(1)} | exit ${failed.code}: ${failed.error.slice(0, 100)} |`);
        continue;
      }
      const wall = median(runs.map((r) => r.wall));
      const cpu = median(runs.map((r) => r.cpu));
      if (wall > TARGET_SECONDS) over++;
      const verdict = wall <= TARGET_SECONDS ? "ok" : cpu <= TARGET_SECONDS ? "over in wall time only (load)" : "over";
      rows.push(`| ${name} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${median(runs.map((r) => r.load)).toFixed(1)} | ${verdict} |`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return [
    `dlm compile --target ${options.target}, one fresh process per example (${options.runs} run${options.runs > 1 ? "s, median" : ""}); target ≤ ${TARGET_SECONDS} s`,
    `| example | wall s | CPU s | load (1 min) | |`,
    `|---|---|---|---|---|`,
    ...rows,
    `${over} of ${names.length} over ${TARGET_SECONDS} s of wall time. CPU = user + system time of the child process.`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write((await benchCompileTime(parseCompileTimeArgs(process.argv.slice(2)))) + "\n");
}
