// Comparison benchmark: dlm's compiled models against TensorFlow.js (cpu, wasm), PyTorch (subprocess,
// one thread) and onnxruntime (not yet), measured in the same run and printed as a table plus ratios.
//
//   benchCompare(parseCompareArgs(process.argv.slice(2)))   → the report text (stdout); progress on stderr
//
// dlm's TypeScript target is built in (dlm.ts compiles the protocol models with the real pipeline);
// further dlm targets come in through `contenders` (ContenderSource: make(workload) → Contender). With
// no dlm contender at all (--skip dlm-ts) the report says "dlm: not wired yet".

import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { ContenderSource, Result, WorkloadName } from "./protocol.js";
import { DEFAULT_WARMUP, DEFAULT_WINDOW_SECONDS, DEFAULT_WINDOWS, LONG_WINDOW_SECONDS, WORKLOADS, reasonOf } from "./protocol.js";
import { PYTORCH_MISSING, findTorchPython, runTorch } from "./pytorch.js";
import { onnxStatus } from "./onnx.js";
import { renderReport } from "./report.js";
import type { Progress } from "./run-contender.js";
import { runContender, skippedRows } from "./run-contender.js";
import { tfjsSource, tfjsWasmFlags } from "./tfjs.js";
import { dlmTsSource } from "./dlm.js";

export type { Contender, ContenderSource, Measurement, MeasureOptions, Result, Skipped, Workload, WorkloadName } from "./protocol.js";
export { measure, median, WORKLOADS } from "./protocol.js";
export { formatRatio, formatRate, ratio, renderReport } from "./report.js";
export { dlmTsSource, PROTOCOL_SOURCE } from "./dlm.js";

/** The built-in contenders by name, as --only/--skip spell them. */
export const BUILT_IN = ["dlm-ts", "tfjs-cpu", "tfjs-wasm", "pytorch", "onnx"] as const;
export type BuiltIn = (typeof BUILT_IN)[number];

export interface CompareOptions {
  /** Seconds per timed window (default 3; 20 with `long`). */
  readonly windowSeconds?: number;
  readonly windows?: number;
  readonly warmup?: number;
  /** The full protocol: 20 s windows, and no single-call shortcut for very slow contenders. */
  readonly long?: boolean;
  readonly workloads?: readonly WorkloadName[];
  /** Which built-in contenders to run (default all). */
  readonly builtIn?: readonly BuiltIn[];
  /** More in-process contenders (dlm's Wasm target, …), measured right after dlm-ts. */
  readonly contenders?: readonly ContenderSource[];
  /** PyTorch intra-op threads (default 1, as in the anchors' first column). */
  readonly torchThreads?: number;
  /** Print the results as JSON instead of the table. */
  readonly json?: boolean;
  /** Progress lines (default: stderr). */
  readonly progress?: Progress;
}

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got '${text}'`);
  return n;
}

function list<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item)) throw new Error(`--${name}: unknown '${item}' (have: ${allowed.join(", ")})`);
  return items as T[];
}

/**
 * Command-line options: --long, --window S, --windows N, --warmup N, --workloads mlp,cnn,
 * --only/--skip dlm-ts,tfjs-cpu,tfjs-wasm,pytorch,onnx, --threads N (PyTorch), --json. Throws on a bad one.
 */
export function parseCompareArgs(argv: readonly string[]): CompareOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      long: { type: "boolean" },
      window: { type: "string" },
      windows: { type: "string" },
      warmup: { type: "string" },
      workloads: { type: "string" },
      only: { type: "string" },
      skip: { type: "string" },
      threads: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
  const only = list("only", values.only, BUILT_IN);
  const skip = list("skip", values.skip, BUILT_IN) ?? [];
  const windowSeconds = positive("window", values.window, false);
  const windows = positive("windows", values.windows, true);
  const warmup = positive("warmup", values.warmup, true);
  const workloads = list("workloads", values.workloads, ["mlp", "cnn"] as const);
  const torchThreads = positive("threads", values.threads, true);
  return {
    long: values.long ?? false,
    json: values.json ?? false,
    builtIn: (only ?? BUILT_IN).filter((e) => !skip.includes(e)),
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    ...(windows !== undefined ? { windows } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(workloads !== undefined ? { workloads } : {}),
    ...(torchThreads !== undefined ? { torchThreads } : {}),
  };
}

export function machineLine(loadAtStart: number, loadAtEnd: number, cores = availableParallelism()): string {
  const busy = Math.max(loadAtStart, loadAtEnd) > cores;
  return `machine: ${cores} cores, load average ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end${busy ? " (busier than its cores: only same-run ratios mean anything, and those loosely)" : ""}`;
}

/** Runs every contender on every workload and returns the report (table + ratios, or JSON). */
export async function benchCompare(options: CompareOptions = {}): Promise<string> {
  const long = options.long ?? false;
  const windowSeconds = options.windowSeconds ?? (long ? LONG_WINDOW_SECONDS : DEFAULT_WINDOW_SECONDS);
  const windows = options.windows ?? DEFAULT_WINDOWS;
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  const builtIn = options.builtIn ?? BUILT_IN;
  const torchThreads = options.torchThreads ?? 1;
  const progress: Progress = options.progress ?? ((line) => process.stderr.write(`compare: ${line}\n`));
  const workloads = WORKLOADS.filter((w) => (options.workloads ?? ["mlp", "cnn"]).includes(w.name));
  const measureOptions = { windowSeconds, windows, warmup, shorten: !long };

  const sources: ContenderSource[] = [];
  if (builtIn.includes("dlm-ts")) sources.push(dlmTsSource());
  sources.push(...(options.contenders ?? []));
  if (builtIn.includes("tfjs-cpu")) sources.push(tfjsSource("cpu"));
  if (builtIn.includes("tfjs-wasm")) sources.push(tfjsSource("wasm"));

  const results: Result[] = [];
  const info: string[] = [];
  // The machine is shared: a load above the core count slows every contender, unevenly over time.
  const loadAtStart = loadavg()[0]!;
  for (const workload of workloads) {
    for (const source of sources) {
      let made;
      try {
        made = await source.make(workload);
      } catch (error) {
        made = { skipped: reasonOf(error) };
      }
      if ("skipped" in made) {
        progress(`${workload.label} ${source.name}: skipped (${made.skipped})`);
        results.push(...skippedRows(workload, source.name, made.skipped));
        continue;
      }
      results.push(...(await runContender(made, workload, measureOptions, progress)));
      if (made.name === "tfjs-wasm" && !info.some((l) => l.startsWith("tfjs-wasm:"))) {
        const flags = await tfjsWasmFlags();
        if (flags) info.push(flags);
      }
    }
  }

  if (builtIn.includes("pytorch")) {
    const python = findTorchPython();
    if (!python) info.push(PYTORCH_MISSING);
    else {
      try {
        const torch = await runTorch(
          python,
          { windowSeconds, windows, warmup, shorten: !long, threads: torchThreads, workloads: workloads.map((w) => w.name) },
          progress,
        );
        results.push(...torch.results);
        info.push(torch.info);
      } catch (error) {
        info.push(`PyTorch: failed (${reasonOf(error)})`);
      }
    }
  }
  if (builtIn.includes("onnx")) info.push(await onnxStatus());
  info.push(machineLine(loadAtStart, loadavg()[0]!));

  if (options.json) return JSON.stringify({ windowSeconds, windows, warmup, long, results, info }, null, 2);
  return renderReport({ windowSeconds, windows, warmup, long }, results, info);
}
