// The cost of each trained model, for `dlm check`: FLOPs of one training step and of one prediction batch
// (compiler/ir/flops.ts) and the bytes of the arena the memory plan gives it — the same plan the emitters
// use, so the number is what `create()` will allocate.

import type { FrontEndResult } from "../frontend.js";
import { lowerProgram } from "../lower/index.js";
import { optimizeProgram } from "../pipeline.js";
import { emitUnformatted } from "../emit/ts/index.js";
import { graphFlops } from "../ir/flops.js";

export interface ModelCost {
  batch: number;
  trainFlops?: number;
  predictFlops?: number;
  arenaBytes: number;
}

/** Costs by model name; empty when the file has errors or nothing to train. */
export function programCosts(r: FrontEndResult): Map<string, ModelCost> {
  const costs = new Map<string, ModelCost>();
  if (r.diagnostics.some((d) => d.severity === "error") || r.checked.trains.length === 0) return costs;
  const lowered = lowerProgram(r.checked, r.source.name);
  if (lowered.diagnostics.some((d) => d.severity === "error")) return costs;
  const { program } = optimizeProgram(lowered.program);
  let plans: ReturnType<typeof emitUnformatted>["plans"];
  try {
    plans = emitUnformatted(program).plans;
  } catch {
    // A construct the emitter cannot compile yet: `dlm compile` reports it; check stays quiet about cost.
    return costs;
  }
  for (const m of program.models) {
    const cost: ModelCost = { batch: m.batch, arenaBytes: plans[m.name]?.arenaBytes ?? 0 };
    if (m.train) cost.trainFlops = graphFlops(m.train.graph);
    if (m.predict) cost.predictFlops = graphFlops(m.predict.graph);
    costs.set(m.name, cost);
  }
  return costs;
}

export function formatFlops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GFLOP`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MFLOP`;
  return `${(n / 1e3).toFixed(1)} kFLOP`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
