// Comparison benchmark: dlm's compiled models against TensorFlow.js (cpu, wasm), PyTorch (subprocess,
// one thread) and onnxruntime (inference only), measured in the same run and printed as a table plus ratios.
//
//   benchCompare(parseCompareArgs(process.argv.slice(2)))   → the report text (stdout); progress on stderr
//
// dlm's TypeScript target is built in (dlm.ts compiles the protocol models with the real pipeline);
// further dlm targets come in through `contenders` (ContenderSource: make(workload) → Contender). With
// no dlm contender at all (--skip dlm-ts) the report says "dlm: not wired yet".

import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Contender, ContenderSource, Result, Skipped, Workload, WorkloadName } from "./protocol.js";
import { DEFAULT_WARMUP, DEFAULT_WINDOW_SECONDS, DEFAULT_WINDOWS, LONG_WINDOW_SECONDS, WORKLOADS, reasonOf } from "./protocol.js";
import { PYTORCH_MISSING, findTorchPython, runTorch } from "./pytorch.js";
import { onnxContenders } from "./onnx.js";
import { mergeRounds, renderReport } from "./report.js";
import type { Progress } from "./run-contender.js";
import { runContender, skippedRows } from "./run-contender.js";
import { tfjsSource, tfjsWasmFlags } from "./tfjs.js";
import { dlmTsSource, dlmWasmSource } from "./dlm.js";

export type { Contender, ContenderSource, Measurement, MeasureOptions, Result, Skipped, Workload, WorkloadName } from "./protocol.js";
export { measure, median, WORKLOADS } from "./protocol.js";
export { formatRatio, formatRate, mergeRounds, ratio, renderReport } from "./report.js";
export { dlmTsSource, dlmWasmSource, PROTOCOL_SOURCE } from "./dlm.js";

/** The built-in contenders by name, as --only/--skip spell them. */
export const BUILT_IN = ["dlm-ts", "dlm-wasm", "tfjs-cpu", "tfjs-wasm", "pytorch", "onnx"] as const;
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
  /** Repeat everything this many times, alternating the order; each cell is the median over rounds. */
  readonly rounds?: number;
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
 * --only/--skip dlm-ts,dlm-wasm,tfjs-cpu,tfjs-wasm,pytorch,onnx, --rounds N, --threads N (PyTorch), --json.
 * Throws on a bad one.
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
      rounds: { type: "string" },
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
  const workloads = list("workloads", values.workloads, ["mlp", "cnn", "lstm", "transformer"] as const);
  const torchThreads = positive("threads", values.threads, true);
  const rounds = positive("rounds", values.rounds, true);
  return {
    long: values.long ?? false,
    json: values.json ?? false,
    builtIn: (only ?? BUILT_IN).filter((e) => !skip.includes(e)),
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    ...(windows !== undefined ? { windows } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(workloads !== undefined ? { workloads } : {}),
    ...(torchThreads !== undefined ? { torchThreads } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
  };
}

export function machineLine(loadAtStart: number, loadAtEnd: number, cores = availableParallelism()): string {
  const busy = Math.max(loadAtStart, loadAtEnd) > cores;
  return `machine: ${cores} cores, load average ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end${busy ? " (busier than its cores: only same-run ratios mean anything, and those loosely)" : ""}`;
}

interface Settings {
  readonly windowSeconds: number;
  readonly windows: number;
  readonly warmup: number;
  readonly long: boolean;
  readonly torchThreads: number;
  readonly workloads: readonly Workload[];
  readonly progress: Progress;
}

/** The in-process contenders, one workload after the other. */
async function runInProcess(sources: readonly ContenderSource[], s: Settings, info: string[]): Promise<Result[]> {
  const results: Result[] = [];
  const measureOptions = { windowSeconds: s.windowSeconds, windows: s.windows, warmup: s.warmup, shorten: !s.long };
  for (const workload of s.workloads) {
    for (const source of sources) {
      let made: Contender | Skipped;
      try {
        made = await source.make(workload);
      } catch (error) {
        made = { skipped: reasonOf(error) };
      }
      if ("skipped" in made) {
        s.progress(`${workload.label} ${source.name}: skipped (${made.skipped})`);
        results.push(...skippedRows(workload, source.name, made.skipped));
        continue;
      }
      results.push(...(await runContender(made, workload, measureOptions, s.progress)));
      if (made.name === "tfjs-wasm") {
        const flags = await tfjsWasmFlags();
        if (flags) info.push(flags);
      }
    }
  }
  return results;
}

async function runPytorch(s: Settings, info: string[]): Promise<Result[]> {
  const python = findTorchPython();
  if (!python) {
    info.push(PYTORCH_MISSING);
    return [];
  }
  try {
    const { windowSeconds, windows, warmup, long, torchThreads: threads } = s;
    const workloads = s.workloads.map((w) => w.name);
    const torch = await runTorch(python, { windowSeconds, windows, warmup, shorten: !long, threads, workloads }, s.progress);
    info.push(torch.info);
    return torch.results;
  } catch (error) {
    info.push(`PyTorch: failed (${reasonOf(error)})`);
    return [];
  }
}

/** Runs every contender on every workload and returns the report (table + ratios, or JSON). */
export async function benchCompare(options: CompareOptions = {}): Promise<string> {
  const long = options.long ?? false;
  const settings: Settings = {
    windowSeconds: options.windowSeconds ?? (long ? LONG_WINDOW_SECONDS : DEFAULT_WINDOW_SECONDS),
    windows: options.windows ?? DEFAULT_WINDOWS,
    warmup: options.warmup ?? DEFAULT_WARMUP,
    long,
    torchThreads: options.torchThreads ?? 1,
    workloads: WORKLOADS.filter((w) => (options.workloads ?? ["mlp", "cnn", "lstm", "transformer"]).includes(w.name)),
    progress: options.progress ?? ((line) => process.stderr.write(`compare: ${line}\n`)),
  };
  const builtIn = options.builtIn ?? BUILT_IN;
  const rounds = options.rounds ?? 1;

  const sources: ContenderSource[] = [];
  if (builtIn.includes("dlm-ts")) sources.push(dlmTsSource());
  if (builtIn.includes("dlm-wasm")) sources.push(dlmWasmSource());
  sources.push(...(options.contenders ?? []));
  if (builtIn.includes("tfjs-cpu")) sources.push(tfjsSource("cpu"));
  if (builtIn.includes("tfjs-wasm")) sources.push(tfjsSource("wasm"));
  const onnx = builtIn.includes("onnx") ? await onnxContenders() : undefined;
  if (onnx) sources.push(...onnx.sources);

  // The machine is shared: a load above the core count slows every contender, unevenly over time.
  const loadAtStart = loadavg()[0]!;
  const info: string[] = [];
  const perRound: Result[][] = [];
  for (let round = 0; round < rounds; round++) {
    if (rounds > 1) settings.progress(`round ${round + 1} of ${rounds}`);
    // Every other round runs the contenders in reverse, so a load that drifts over the run does not
    // always fall on the same ones.
    const reversed = round % 2 === 1;
    const results: Result[] = [];
    if (reversed && builtIn.includes("pytorch")) results.push(...(await runPytorch(settings, info)));
    results.push(...(await runInProcess(reversed ? [...sources].reverse() : sources, settings, info)));
    if (!reversed && builtIn.includes("pytorch")) results.push(...(await runPytorch(settings, info)));
    perRound.push(results);
  }
  if (onnx) info.push(onnx.info);
  info.push(machineLine(loadAtStart, loadavg()[0]!));

  const results = mergeRounds(perRound);
  const header = { windowSeconds: settings.windowSeconds, windows: settings.windows, warmup: settings.warmup, long, rounds };
  const lines = [...new Set(info)];
  if (options.json) return JSON.stringify({ ...header, results, info: lines }, null, 2);
  return renderReport(header, results, lines);
}
