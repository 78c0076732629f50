// The comparison report: a table of workload × phase rows and contender columns (median samples/s),
// footnotes for cells that are not a plain figure, then the ratios of every dlm contender to every other
// one ("dlm-ts/tfjs-wasm 3.2×"). Pure functions of the results, so they are tested without timing.

import type { Phase, Result, WorkloadName } from "./protocol.js";
import { median } from "./protocol.js";

const WORKLOAD_LABEL: Record<WorkloadName, string> = { mlp: "MLP", cnn: "CNN", lstm: "char LSTM", transformer: "Transformer" };
const ROWS: readonly [WorkloadName, Phase][] = [
  ["mlp", "train"],
  ["mlp", "infer"],
  ["cnn", "train"],
  ["cnn", "infer"],
  ["lstm", "train"],
  ["lstm", "infer"],
  ["transformer", "train"],
  ["transformer", "infer"],
];

export function isDlm(contender: string): boolean {
  return contender === "dlm" || contender.startsWith("dlm-");
}

/** Samples/s for a table: thousands separated, one decimal below 10, three significant digits below 1. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1) return n.toPrecision(3);
  if (n < 10) return n.toFixed(1);
  return Math.round(n).toLocaleString("en-US");
}

/** A ratio with two significant digits ("3.2×", "17×", "0.45×"); whole numbers from 100 up. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r) || r <= 0) return "—";
  const text = r >= 100 ? Math.round(r).toLocaleString("en-US") : Number(r.toPrecision(2)).toString();
  return `${text}×`;
}

/** a/b when both ran, else undefined. */
export function ratio(a: Result | undefined, b: Result | undefined): number | undefined {
  const x = a?.samplesPerSecond;
  const y = b?.samplesPerSecond;
  return x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
}

/** Column order: dlm contenders first, then the others in the order they were measured. */
export function contenderColumns(results: readonly Result[]): string[] {
  const seen = [...new Set(results.map((r) => r.contender))];
  return [...seen.filter(isDlm), ...seen.filter((c) => !isDlm(c))];
}

function find(results: readonly Result[], w: WorkloadName, p: Phase, c: string): Result | undefined {
  return results.find((r) => r.workload === w && r.phase === p && r.contender === c);
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => "| " + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)];
}

/** The table and its footnotes. */
export function resultsTable(results: readonly Result[]): string[] {
  const columns = contenderColumns(results);
  const footnotes: string[] = [];
  let shortened = false;
  const body: string[][] = [];
  for (const [w, p] of ROWS) {
    if (!results.some((r) => r.workload === w && r.phase === p)) continue;
    const cells = columns.map((c) => {
      const r = find(results, w, p, c);
      if (!r) return "";
      let cell = r.samplesPerSecond !== undefined ? formatRate(r.samplesPerSecond) : (r.note?.replace(/ \(.*$/s, "") ?? "no figure");
      if (r.shortened) {
        cell += "*";
        shortened = true;
      }
      if (r.note) {
        footnotes.push(`[${footnotes.length + 1}] ${c} ${WORKLOAD_LABEL[w]} ${p}: ${r.note}`);
        cell += ` [${footnotes.length}]`;
      }
      return cell;
    });
    body.push([`${WORKLOAD_LABEL[w]} ${p}`, ...cells]);
  }
  if (body.length === 0) return ["(no results)"];
  const out = table([["workload", ...columns], ...body]);
  if (shortened) out.push("* one call outlasts a window: a single one-call window (use --long for the full protocol)");
  return [...out, ...footnotes];
}

/** Ratio lines of each dlm contender to every other contender, or "dlm: not wired yet". */
export function ratioLines(results: readonly Result[]): string[] {
  const columns = contenderColumns(results);
  const ours = columns.filter(isDlm);
  const theirs = columns.filter((c) => !isDlm(c));
  if (ours.length === 0) return ["dlm: not wired yet"];
  const lines: string[] = [];
  for (const [w, p] of ROWS) {
    for (const d of ours) {
      const mine = find(results, w, p, d);
      if (!mine) continue;
      if (mine.samplesPerSecond === undefined) {
        lines.push(`${WORKLOAD_LABEL[w]} ${p}: ${d} ${mine.note ?? "has no figure"}`);
        continue;
      }
      const parts = theirs.flatMap((c) => {
        const r = ratio(mine, find(results, w, p, c));
        return r === undefined ? [] : [`${d}/${c} ${formatRatio(r)}`];
      });
      if (parts.length) lines.push(`${WORKLOAD_LABEL[w]} ${p}: ${parts.join(", ")}`);
    }
  }
  return lines.length ? ["ratios (higher is better for dlm):", ...lines.map((l) => "  " + l)] : ["ratios: none (no contender ran)"];
}

/**
 * One result per workload × phase × contender from several rounds: the median of the rounds' figures,
 * every window kept, shortened if any round was; a cell with no figure in any round keeps its first note.
 */
export function mergeRounds(rounds: readonly (readonly Result[])[]): Result[] {
  const groups = new Map<string, Result[]>();
  for (const round of rounds)
    for (const r of round) {
      const key = `${r.workload}\0${r.phase}\0${r.contender}`;
      const group = groups.get(key);
      if (group) group.push(r);
      else groups.set(key, [r]);
    }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    if (group.length === 1) return first;
    const figures = group.flatMap((r) => (r.samplesPerSecond === undefined ? [] : [r.samplesPerSecond]));
    const notes = [...new Set(group.flatMap((r) => (r.note ? [r.note] : [])))];
    const merged: Result = {
      workload: first.workload,
      phase: first.phase,
      contender: first.contender,
      windows: group.flatMap((r) => r.windows),
      ...(figures.length ? { samplesPerSecond: median(figures) } : {}),
      ...(group.some((r) => r.shortened) ? { shortened: true } : {}),
      ...(notes.length ? { note: notes.join("; ") } : {}),
    };
    return merged;
  });
}

export interface ReportHeader {
  readonly windowSeconds: number;
  readonly windows: number;
  readonly warmup: number;
  readonly long: boolean;
  /** Complete repetitions of the whole run (default 1). */
  readonly rounds?: number;
}

export function headerLines(h: ReportHeader): string[] {
  const rounds = (h.rounds ?? 1) > 1 ? `, then the median over ${h.rounds} rounds in alternating order` : "";
  const windows = `median of ${h.windows} window${h.windows === 1 ? "" : "s"} of ${h.windowSeconds} s after ${h.warmup} warm-up call${h.warmup === 1 ? "" : "s"}${rounds}`;
  return [
    `compare: throughput in samples/s, ${windows}${h.long ? " (full protocol)" : " (the anchors used 20 s windows: --long)"}`,
    "protocol: float32, Adam lr 1e-3, cross-entropy, random data; training batch 64, inference batch 256",
    "  char LSTM and Transformer: sequences/s, 32 sequences of 64 characters (96 ids) for training and inference; TF.js reads one-hot characters (it cannot train an Embedding on wasm)",
  ];
}

/** The whole report: header, table, info lines (versions, skipped contenders), ratios. */
export function renderReport(header: ReportHeader, results: readonly Result[], info: readonly string[]): string {
  return [...headerLines(header), "", ...resultsTable(results), "", ...info, ...ratioLines(results)].join("\n");
}
