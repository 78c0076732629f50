// Training progress: a live line on a TTY, epoch summaries always, or JSON lines for tools.
//
// Modes:
// - "tty": one line on stderr rewritten in place (`\r` + erase line) at most every `minIntervalMs`
//   (100 ms, ~10×/s), e.g. `epoch 2/10  step 340/1250  loss 0.2314  1,234 samples/s  ETA 0:42`,
//   replaced by a summary line at the end of each epoch.
// - "plain" (stderr is not a TTY: CI, pipes, log files): only the per-epoch summary lines.
// - "json": one JSON object per line on stdout: throttled {"event":"step",…}, every
//   {"event":"epoch",…}, and {"event":"done",…}; nothing on stderr.
// Colour (tty/plain only) follows FORCE_COLOR, then NO_COLOR, then TERM=dumb, then the stream's TTY-ness;
// we decide ourselves because Node 20's util.styleText checks stdout, not the stream we write to.
// ETA is for the whole run: remaining steps of all epochs at the current epoch's step rate.

import { styleText } from "node:util";

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type ProgressMode = "auto" | "tty" | "plain" | "json";

export interface ProgressOptions {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly mode?: ProgressMode;
  readonly stderr?: ProgressStream;
  readonly stdout?: ProgressStream;
  /** Milliseconds clock (tests pass a fake one). */
  readonly now?: () => number;
  readonly minIntervalMs?: number;
  /** Environment for the colour decision (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface EpochSummary {
  readonly loss: number;
  /** Training metrics and validation results, printed in insertion order (e.g. accuracy, val_loss). */
  readonly metrics?: Readonly<Record<string, number>>;
}

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

export function useColor(stream: ProgressStream, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export class ProgressReporter {
  private readonly opts: ProgressOptions;
  private readonly mode: Exclude<ProgressMode, "auto">;
  private readonly err: ProgressStream;
  private readonly out: ProgressStream;
  private readonly now: () => number;
  private readonly interval: number;
  private readonly color: boolean;
  private epoch = 0;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private lineShown = false;
  private runStart: number;

  constructor(options: ProgressOptions) {
    this.opts = options;
    this.err = options.stderr ?? process.stderr;
    this.out = options.stdout ?? process.stdout;
    this.now = options.now ?? (() => performance.now());
    this.interval = options.minIntervalMs ?? 100;
    const mode = options.mode ?? "auto";
    this.mode = mode === "auto" ? (this.err.isTTY === true ? "tty" : "plain") : mode;
    this.color = this.mode !== "json" && useColor(this.err, options.env ?? process.env);
    this.runStart = this.now();
  }

  private style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.color ? styleText(format, text, { validateStream: false }) : text;
  }

  private json(obj: Record<string, unknown>): void {
    this.out.write(JSON.stringify(obj) + "\n");
  }

  private clearLine(): void {
    if (this.lineShown) {
      this.err.write("\r\x1b[2K");
      this.lineShown = false;
    }
  }

  /** Call at the start of each epoch (1-based). */
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
    if (epoch === 1) this.runStart = this.epochStart;
  }

  /** Call after each step (1-based within the epoch) with its loss; draws at most ~10×/s. */
  step(step: number, loss: number): void {
    if (this.mode === "plain") return;
    const t = this.now();
    if (t - this.lastDraw < this.interval && step !== this.opts.stepsPerEpoch) return;
    this.lastDraw = t;
    const elapsed = (t - this.epochStart) / 1000;
    const stepsPerSec = elapsed > 0 ? step / elapsed : 0;
    const samplesPerSec = stepsPerSec * this.opts.batchSize;
    const remaining = (this.opts.epochs - this.epoch) * this.opts.stepsPerEpoch + (this.opts.stepsPerEpoch - step);
    const eta = stepsPerSec > 0 ? remaining / stepsPerSec : NaN;
    if (this.mode === "json") {
      this.json({ event: "step", epoch: this.epoch, epochs: this.opts.epochs, step, steps: this.opts.stepsPerEpoch, loss, samples_per_s: Math.round(samplesPerSec), eta_s: Number.isFinite(eta) ? Math.round(eta) : null });
      return;
    }
    let line =
      `epoch ${this.epoch}/${this.opts.epochs}  step ${step}/${this.opts.stepsPerEpoch}  ` +
      `loss ${formatValue(loss)}  ${numberFormat.format(samplesPerSec)} samples/s  ETA ${formatDuration(eta)}`;
    const width = this.err.columns;
    if (width !== undefined && width > 1 && line.length > width - 1) line = line.slice(0, width - 1);
    this.err.write("\r\x1b[2K" + this.style("dim", line));
    this.lineShown = true;
  }

  /** Call at the end of each epoch: replaces the live line with a summary line. */
  endEpoch(summary: EpochSummary): void {
    const seconds = (this.now() - this.epochStart) / 1000;
    const samplesPerSec = seconds > 0 ? (this.opts.stepsPerEpoch * this.opts.batchSize) / seconds : 0;
    const metrics = summary.metrics ?? {};
    if (this.mode === "json") {
      this.json({ event: "epoch", epoch: this.epoch, epochs: this.opts.epochs, loss: summary.loss, ...metrics, seconds: Math.round(seconds * 1000) / 1000, samples_per_s: Math.round(samplesPerSec) });
      return;
    }
    this.clearLine();
    const parts = [this.style("bold", `epoch ${this.epoch}/${this.opts.epochs}`), `loss ${formatValue(summary.loss)}`];
    for (const [k, v] of Object.entries(metrics)) parts.push(`${k} ${formatValue(v)}`);
    parts.push(this.style("dim", `${seconds.toFixed(1)}s  ${numberFormat.format(samplesPerSec)} samples/s`));
    this.err.write(parts.join("  ") + "\n");
  }

  /** A message line (e.g. "early stop: no improvement for 2 epochs") that does not break the live line. */
  log(message: string): void {
    if (this.mode === "json") {
      this.json({ event: "log", message });
      return;
    }
    this.clearLine();
    this.err.write(message + "\n");
  }

  /** Call once at the end of training. */
  finish(): void {
    const seconds = (this.now() - this.runStart) / 1000;
    if (this.mode === "json") {
      this.json({ event: "done", seconds: Math.round(seconds * 1000) / 1000 });
      return;
    }
    this.clearLine();
    this.err.write(this.style("green", `done in ${formatDuration(seconds)}`) + "\n");
  }
}
