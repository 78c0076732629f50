// The comparison protocol (shared/anchors/PERFORMANCE.md) and the timing loop every in-process contender
// is measured with. float32, Adam lr 1e-3, cross-entropy, training batch 64, inference batch 256; the
// figure is the median of several windows after a warm-up.
//
// Design note: the anchors used ≥ 20 s windows; routine runs use short ones (default 3 s) and say so.
// A contender so slow that one call outlasts a window (TF.js cpu training a CNN takes tens of seconds
// per step) is measured over a single one-call window unless the full protocol is asked for, and the
// result is marked `shortened` so the report can say it.

import { SEQUENCE_WORKLOADS } from "./sequence-workloads.js";

export const TRAIN_BATCH = 64;
export const INFER_BATCH = 256;
export const LEARNING_RATE = 1e-3;
export const CLASSES = 10;

export const DEFAULT_WINDOW_SECONDS = 3;
export const LONG_WINDOW_SECONDS = 20;
export const DEFAULT_WINDOWS = 3;
export const DEFAULT_WARMUP = 3;

export type WorkloadName = "mlp" | "cnn" | "lstm" | "transformer";
export type Phase = "train" | "infer";

export interface Workload {
  readonly name: WorkloadName;
  /** Short label for tables ("MLP"). */
  readonly label: string;
  /** The architecture, spelled out once so every contender's header can quote it. */
  readonly description: string;
  /** One sample's shape, channels last for images (TF.js layout; PyTorch transposes to NCHW). */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly trainBatch: number;
  readonly inferBatch: number;
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: "mlp",
    label: "MLP",
    description: "MLP 784-256-128-10 (relu)",
    inputShape: [784],
    classes: CLASSES,
    trainBatch: TRAIN_BATCH,
    inferBatch: INFER_BATCH,
  },
  {
    name: "cnn",
    label: "CNN",
    description: "CNN conv32(3x3 same)-relu-maxpool2-conv64(3x3 same)-relu-maxpool2-dense128-relu-dense10 on 28x28x1",
    inputShape: [28, 28, 1],
    classes: CLASSES,
    trainBatch: TRAIN_BATCH,
    inferBatch: INFER_BATCH,
  },
  ...SEQUENCE_WORKLOADS,
];

/**
 * One model of one workload, ready to run: what the harness measures. dlm's compiled models plug in as
 * these (see ContenderSource). `trainStep` does one full optimizer step on a batch of `batch` samples;
 * `predict` one forward pass on `predictBatch` samples (default INFER_BATCH). Either may throw to say the
 * contender cannot do it; that is reported as a result ("cannot train (reason)"), not a crash.
 */
export interface Contender {
  readonly name: string;
  readonly batch: number;
  readonly predictBatch?: number;
  trainStep(): void | Promise<void>;
  predict(): void | Promise<void>;
  /** Called once after both phases; release tensors, workers, memory. */
  dispose?(): void;
  /** Checked after each phase: a growing count (live tensors, bytes) is reported as a leak. */
  liveObjects?(): number;
}

/** Why a contender has no model for a workload (printed as "skipped (reason)"). */
export interface Skipped {
  readonly skipped: string;
}

/** Makes a contender's model for each workload; the lead plugs dlm's compiled models in through this. */
export interface ContenderSource {
  readonly name: string;
  make(workload: Workload): Contender | Skipped | Promise<Contender | Skipped>;
}

/** One cell of the report: a workload × phase × contender. */
export interface Result {
  readonly workload: WorkloadName;
  readonly phase: Phase;
  readonly contender: string;
  /** Median samples/s; absent when the contender could not run this phase. */
  readonly samplesPerSecond?: number;
  /** Samples/s of every window, in the order measured. */
  readonly windows: readonly number[];
  /** True when a one-call window replaced the full protocol (see the header). */
  readonly shortened?: boolean;
  /** "cannot train (…)", "skipped (…)", a leak warning: printed as a footnote. */
  readonly note?: string;
}

export interface MeasureOptions {
  readonly windowSeconds: number;
  readonly windows: number;
  /** Warm-up calls (fewer when the warm-up alone outlasts a window; at least one). */
  readonly warmup: number;
  /** Samples per call; 1 gives calls per second. */
  readonly batch?: number;
  /** Allow the one-call window for contenders slower than a window per call (default true). */
  readonly shorten?: boolean;
  /** Milliseconds; injectable so the window logic can be tested without timing anything. */
  readonly clock?: () => number;
  /** Called between the warm-up and the first window (e.g. to count live tensors). */
  readonly onWarmedUp?: () => void;
}

export interface Measurement {
  /** Median of the windows' samples/s. */
  readonly median: number;
  readonly windows: readonly number[];
  /** Calls made in each window. */
  readonly calls: readonly number[];
  readonly shortened: boolean;
}

function isPromise(x: unknown): x is Promise<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/** Runs `fn` until the window is over; returns [calls, elapsed ms]. Every window has at least one call. */
async function runWindow(fn: () => void | Promise<void>, ms: number, clock: () => number): Promise<[number, number]> {
  const t0 = clock();
  let calls = 0;
  for (;;) {
    const r = fn();
    if (isPromise(r)) await r;
    calls++;
    const elapsed = clock() - t0;
    if (elapsed >= ms) return [calls, elapsed];
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Throughput of `fn` in samples/s: warm-up, then `windows` windows of at least `windowSeconds` each. */
export async function measure(fn: () => void | Promise<void>, options: MeasureOptions): Promise<Measurement> {
  const clock = options.clock ?? (() => performance.now());
  const batch = options.batch ?? 1;
  const windowMs = options.windowSeconds * 1000;
  if (!(windowMs > 0) || options.windows < 1) throw new Error("measure: need a positive window length and at least one window");

  // Warm-up: JIT, allocators, optimizer state. Stop early once it has taken a window's worth of time.
  const w0 = clock();
  let lastCall = 0;
  for (let i = 0; i < Math.max(1, options.warmup); i++) {
    const t = clock();
    const r = fn();
    if (isPromise(r)) await r;
    lastCall = clock() - t;
    if (clock() - w0 >= windowMs) break;
  }

  options.onWarmedUp?.();
  const shortened = (options.shorten ?? true) && lastCall >= windowMs && options.windows > 1;
  const count = shortened ? 1 : options.windows;
  const windows: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < count; i++) {
    const [n, elapsed] = await runWindow(fn, shortened ? 0 : windowMs, clock);
    calls.push(n);
    windows.push((n * batch * 1000) / elapsed);
  }
  return { median: median(windows), windows, calls, shortened };
}

/** First line of an error, trimmed to a length that fits a footnote. */
export function reasonOf(error: unknown, max = 160): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "unknown error").trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}
