// PyTorch contender: runs torch_bench.py (same architectures and protocol) in a subprocess and turns its
// JSON into report rows. PyTorch is optional: when no python3 on this machine imports torch, the report
// says how to install it. Debian's `python3-torch` lives in /usr/bin/python3's dist-packages, which a
// pyenv or venv `python3` earlier on PATH does not see, so both are tried (DLM_PYTHON overrides).

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Phase, Result, WorkloadName } from "./protocol.js";

const WORKLOAD_NAMES: readonly WorkloadName[] = ["mlp", "cnn", "lstm", "transformer"];

export const PYTORCH_MISSING =
  "PyTorch: skipped (python3-torch not installed: apt-get install python3-torch libopenblas0-pthread)";

export interface TorchRun {
  readonly results: Result[];
  /** "PyTorch 1.13.0a0, 1 thread, BLAS /usr/lib/…/openblas-pthread/libblas.so.3" */
  readonly info: string;
}

export interface TorchOptions {
  readonly windowSeconds: number;
  readonly windows: number;
  readonly warmup: number;
  readonly shorten: boolean;
  readonly threads: number;
  readonly workloads: readonly WorkloadName[];
}

/** The first python that can import torch, or undefined. */
export function findTorchPython(): string | undefined {
  const candidates = [process.env["DLM_PYTHON"], "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  for (const python of new Set(candidates)) {
    const r = spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return python;
  }
  return undefined;
}

/** torch_bench.py beside this file when run from source, or in the source tree when run from dist/. */
function scriptPath(): string {
  const here = import.meta.dirname;
  const candidates = [join(here, "torch_bench.py"), join(here, "..", "..", "..", "bench", "compare", "torch_bench.py")];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`torch_bench.py not found (looked in ${candidates.join(", ")})`);
  return found;
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === "number" && Number.isFinite(v));
}

/** Parses torch_bench.py's stdout (its last non-empty line is the JSON object). Throws on anything else. */
export function parseTorchOutput(stdout: string, contender: string): TorchRun {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const data = JSON.parse(line) as { torch?: unknown; threads?: unknown; blas?: unknown; results?: unknown };
  if (!Array.isArray(data.results)) throw new Error("torch_bench.py: no results in its output");
  const results = data.results.map((r: unknown): Result => {
    const o = r as { workload?: unknown; phase?: unknown; median?: unknown; windows?: unknown; shortened?: unknown };
    if (!WORKLOAD_NAMES.includes(o.workload as WorkloadName) || (o.phase !== "train" && o.phase !== "infer"))
      throw new Error(`torch_bench.py: bad result ${JSON.stringify(r)}`);
    if (typeof o.median !== "number" || !isNumberArray(o.windows)) throw new Error(`torch_bench.py: bad figures ${JSON.stringify(r)}`);
    return {
      workload: o.workload as WorkloadName,
      phase: o.phase as Phase,
      contender,
      samplesPerSecond: o.median,
      windows: o.windows,
      shortened: o.shortened === true,
    };
  });
  const threads = typeof data.threads === "number" ? data.threads : "?";
  const info = `PyTorch ${String(data.torch)}, ${threads} thread${threads === 1 ? "" : "s"}, BLAS ${String(data.blas)}`;
  return { results, info };
}

/** Runs the PyTorch side; progress lines from python go to `progress`. */
export async function runTorch(python: string, options: TorchOptions, progress: (line: string) => void): Promise<TorchRun> {
  const args = JSON.stringify({
    window: options.windowSeconds,
    windows: options.windows,
    warmup: options.warmup,
    shorten: options.shorten,
    threads: options.threads,
    workloads: options.workloads,
  });
  const child = spawn(python, [scriptPath(), args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    for (const l of d.split("\n")) if (l.trim()) progress(l.trim());
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`torch_bench.py exited with ${code}: ${stderr.trim().split("\n").at(-1) ?? ""}`);
  return parseTorchOutput(stdout, `pytorch-${options.threads}t`);
}
