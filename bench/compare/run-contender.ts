// Measures one in-process contender on one workload: training, then inference. A phase that throws is a
// result ("cannot train (reason)"); so is a live-object count that grows while measuring (a leak would
// make the figure meaningless on a long run).

import type { Contender, MeasureOptions, Phase, Result, Workload } from "./protocol.js";
import { INFER_BATCH, measure, reasonOf } from "./protocol.js";

export type Progress = (line: string) => void;

const VERB: Record<Phase, string> = { train: "cannot train", infer: "cannot predict" };

async function measurePhase(
  contender: Contender,
  workload: Workload,
  phase: Phase,
  options: Omit<MeasureOptions, "batch">,
): Promise<Result> {
  const fn = phase === "train" ? () => contender.trainStep() : () => contender.predict();
  const batch = phase === "train" ? contender.batch : (contender.predictBatch ?? INFER_BATCH);
  const base = { workload: workload.name, phase, contender: contender.name };
  try {
    // Counted after the warm-up: the first steps legitimately create optimizer state.
    let before: number | undefined;
    const m = await measure(fn, { ...options, batch, onWarmedUp: () => (before = contender.liveObjects?.()) });
    const after = contender.liveObjects?.();
    const leak = before !== undefined && after !== undefined && after > before ? after - before : 0;
    return {
      ...base,
      samplesPerSecond: m.median,
      windows: m.windows,
      shortened: m.shortened,
      ...(leak ? { note: `live objects grew by ${leak} while measuring (leak?)` } : {}),
    };
  } catch (error) {
    return { ...base, windows: [], note: `${VERB[phase]} (${reasonOf(error)})` };
  }
}

export async function runContender(
  contender: Contender,
  workload: Workload,
  options: Omit<MeasureOptions, "batch">,
  progress: Progress,
): Promise<Result[]> {
  const results: Result[] = [];
  try {
    for (const phase of ["train", "infer"] as const) {
      progress(`${workload.label} ${phase} ${contender.name} …`);
      const r = await measurePhase(contender, workload, phase, options);
      progress(`${workload.label} ${phase} ${contender.name}: ${r.samplesPerSecond !== undefined ? `${r.samplesPerSecond.toFixed(1)} samples/s` : r.note}`);
      results.push(r);
    }
  } finally {
    contender.dispose?.();
  }
  return results;
}

/** The two rows a contender gets when it has no model for a workload at all. */
export function skippedRows(workload: Workload, contender: string, reason: string): Result[] {
  return (["train", "infer"] as const).map((phase) => ({
    workload: workload.name,
    phase,
    contender,
    windows: [],
    note: `skipped (${reason})`,
  }));
}
