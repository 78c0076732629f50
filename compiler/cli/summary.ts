// What `dlm check` prints for a checked file: per model its inputs, outputs and parameter count (and, with
// --layers, the count of each layer); per train block what each minimize updates. Also the same as data
// for --json.

import type { FrontEndResult } from "../frontend.js";
import type { CheckedModel, CheckedTrain } from "../check/types.js";
import { formatDim, formatShape, dimValue, type Dim } from "../check/dims.js";
import { formatBytes, formatFlops, type ModelCost } from "./cost.js";

export interface SummaryOptions {
  layers?: boolean;
  /** Per trained model: FLOPs of a step and the arena (cost.ts). */
  costs?: ReadonlyMap<string, ModelCost>;
}

const count = (d: Dim): string => {
  const v = dimValue(d);
  return v === undefined ? formatDim(d) : v.toLocaleString("en-US");
};

export function describeProgram(r: FrontEndResult, options: SummaryOptions = {}): string {
  const lines: string[] = [r.source.name];
  for (const m of r.checked.models) lines.push(...describeModel(m, options));
  for (const t of r.checked.trains) lines.push(...describeTrain(t, r.checked.models, options.costs?.get(t.model)));
  if (lines.length === 1) lines.push("  (no models)");
  return lines.join("\n") + "\n\n";
}

function describeModel(m: CheckedModel, options: SummaryOptions): string[] {
  const params = m.params.length
    ? `(${m.params.map((p) => `${p.name}: ${p.type}${p.default !== undefined ? ` = ${String(p.default)}` : ""}`).join(", ")})`
    : "";
  const out = [`  model ${m.name}${params}  ${count(m.paramCount)} parameters`];
  const width = Math.max(0, ...[...m.inputs, ...m.outputs].map((v) => v.name.length));
  for (const v of m.inputs) out.push(`    input  ${v.name.padEnd(width)}  ${v.dtype}${formatShape(v.shape)}`);
  for (const v of m.outputs) out.push(`    output ${v.name.padEnd(width)}  ${v.dtype}${formatShape(v.shape)}`);
  if (options.layers) {
    const w = Math.max(0, ...m.layers.map((l) => l.path.length + l.kind.length + 1));
    for (const l of m.layers) out.push(`      ${`${l.path} ${l.kind}`.padEnd(w)}  ${count(l.count)}`);
  }
  return out;
}

function describeTrain(t: CheckedTrain, models: CheckedModel[], cost: ModelCost | undefined): string[] {
  const dims = Object.entries(t.dims)
    .map(([k, v]) => `${k} = ${formatDim(v)}`)
    .join(", ");
  const out = [`  train ${t.model} on ${t.data}: batch ${t.batch}, ${t.epochs} epoch${t.epochs === 1 ? "" : "s"}${dims ? `; ${dims}` : ""}`];
  for (const o of t.objectives) {
    const groups = o.over
      .map((name) => {
        const binding = t.models.find((b) => b.name === name);
        const model = models.find((m) => m.name === (binding?.model ?? name));
        if (!model) return name;
        const tensors = o.params.filter((p) => (binding?.prefix ? p.startsWith(binding.prefix) : true)).length;
        const what = `${tensors} tensor${tensors === 1 ? "" : "s"}, ${count(model.paramCount)} parameters`;
        return model.name === name ? `${name} (${what})` : `${name} (${model.name}: ${what})`;
      })
      .join(", ");
    out.push(`    minimize over ${groups} with ${o.optimizer.name}`);
  }
  if (cost) {
    const parts: string[] = [];
    if (cost.trainFlops !== undefined) parts.push(`training step ${formatFlops(cost.trainFlops)}`);
    if (cost.predictFlops !== undefined) parts.push(`prediction ${formatFlops(cost.predictFlops)}`);
    parts.push(`arena ${formatBytes(cost.arenaBytes)} (${cost.arenaBytes.toLocaleString("en-US")} bytes)`);
    out.push(`    per batch of ${cost.batch}: ${parts.join(", ")}`);
  }
  return out;
}

export function programToJson(r: FrontEndResult, costs?: ReadonlyMap<string, ModelCost>): { models: unknown[]; trains: unknown[] } {
  const dimJson = (d: Dim) => dimValue(d) ?? formatDim(d);
  return {
    models: r.checked.models.map((m) => ({
      name: m.name,
      params: m.params.map((p) => ({ name: p.name, type: p.type, default: p.default })),
      inputs: m.inputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape.map(dimJson) })),
      outputs: m.outputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape.map(dimJson) })),
      parameterCount: dimJson(m.paramCount),
      layers: m.layers.map((l) => ({ path: l.path, kind: l.kind, parameterCount: dimJson(l.count) })),
    })),
    trains: r.checked.trains.map((t) => ({
      model: t.model,
      data: t.data,
      batch: t.batch,
      epochs: t.epochs,
      dims: Object.fromEntries(Object.entries(t.dims).map(([k, v]) => [k, dimJson(v)])),
      objectives: t.objectives.map((o) => ({ over: o.over, optimizer: o.optimizer.name, params: o.params })),
      cost: costs?.get(t.model) ?? null,
    })),
  };
}
