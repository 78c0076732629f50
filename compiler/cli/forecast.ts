// `dlm forecast FILE --checkpoint PATH --steps N`: what comes after the data. The file's forecaster is
// compiled at batch 1, the checkpoint's weights loaded, and its forecast() continues the series of the
// forecaster's data (the whole series, test part included): the last W values are the window, each
// prediction is fed back. Values are printed one per line in the data's units: when the pipeline
// standardizes the series, the mean and standard deviation saved with the checkpoint undo it.
//
// The saved statistics: metadata "dlm.standardize" = JSON {"mean": m, "std": s}, written by
// `dlm train --save` for a standardized series (standardizeMetadata below).

import type { CheckedData } from "../check/types.js";
import { DataError } from "../../runtime/data/errors.js";
import type { MeanStd } from "../../runtime/data/series.js";
import { loadSeriesSource } from "./data-series.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { checkFile, chooseModel, InferenceError, loadForInference, modelsOfKind } from "./inference.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";

export const forecastHelp = `Usage: dlm forecast [options] FILE

Continues the series of FILE's forecaster with trained weights: the model reads the last
values of the data, each prediction is fed back as the next input. Prints one value per
line (stdout), in the data's units.

Options:
  --checkpoint PATH  the weights written by dlm train --save (required)
  --steps N          how many values to forecast (default 30)
  --model NAME       which model (when the file has several forecasters)
  --target T         ts (default) or wasm
  --json             one JSON object: {"model", "after", "forecast": [...]}
  -h, --help         show this help

Exit codes: 0 forecast, 1 errors in the file, its data or the checkpoint, 2 bad invocation.
`;

export const STANDARDIZE_METADATA_KEY = "dlm.standardize";

export function standardizeMetadata(stats: MeanStd): Record<string, string> {
  return { [STANDARDIZE_METADATA_KEY]: JSON.stringify({ mean: stats.mean, std: stats.std }) };
}

export function standardizeFromMetadata(metadata: Readonly<Record<string, string>>, path: string): MeanStd | undefined {
  const raw = metadata[STANDARDIZE_METADATA_KEY];
  if (raw === undefined) return undefined;
  let p: { mean?: unknown; std?: unknown } | null = null;
  try {
    p = JSON.parse(raw) as { mean?: unknown; std?: unknown } | null;
  } catch {
    // reported below
  }
  if (!p || typeof p.mean !== "number" || typeof p.std !== "number" || !Number.isFinite(p.mean) || !(p.std > 0)) {
    throw new InferenceError(`${path}: metadata ${STANDARDIZE_METADATA_KEY} must be {"mean": number, "std": number > 0}`);
  }
  return { mean: p.mean, std: p.std };
}

interface Forecaster {
  forecast(history: ArrayLike<number>, steps: number): Float32Array;
}

const SERIES_SOURCES = ["us_births", "csv_series"] as const;

/** The series a forecaster's data starts from, and whether the pipeline standardizes it. */
function seriesOf(data: CheckedData): { values: Float32Array; standardized: boolean } {
  const op = data.source.op;
  if (!(SERIES_SOURCES as readonly string[]).includes(op)) throw new InferenceError(`data '${data.name}' does not start from a series (${op}()): dlm forecast continues series (${SERIES_SOURCES.join(", ")})`);
  const windows = data.steps.findIndex((s) => s.op === "windows");
  const standardized = data.steps.slice(0, windows < 0 ? data.steps.length : windows).some((s) => s.op === "standardize");
  try {
    return { values: loadSeriesSource(op as (typeof SERIES_SOURCES)[number], data.source.config), standardized };
  } catch (e) {
    if (e instanceof DataError) throw new InferenceError(`cannot load data '${data.name}': ${e.message}`);
    throw e;
  }
}

export async function forecastCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("forecast", args, {
    checkpoint: { type: "string" },
    steps: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm forecast examples/forecaster.dlm --checkpoint births.safetensors)" : "forecast takes one file", "forecast");
  const file = positionals[0]!;
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (the weights written by dlm train --save)", "forecast");
  const steps = intOption("steps", values.steps, "forecast", 1) ?? 30;
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "forecast") ?? "ts";
  const text = await readSource(file, "forecast");
  const front = checkFile(text, file, io);
  if (!front) return 1;
  const name = chooseModel(modelsOfKind(front, file, "forecaster"), values.model, file, "forecast", "forecaster");
  const train = front.checked.trains.find((t) => t.model === name);
  const data = front.checked.data.find((d) => d.name === train?.data);
  if (!data) throw new InferenceError(`no data for the train block of '${name}'`);
  const series = seriesOf(data);
  const loaded = await loadForInference<Forecaster>(front, file, name, values.checkpoint, target, io);
  if (!loaded) return 1;
  const stats = standardizeFromMetadata(loaded.metadata, values.checkpoint);
  if (series.standardized && !stats) {
    throw new InferenceError(`${values.checkpoint} has no standardize statistics (metadata ${STANDARDIZE_METADATA_KEY}), so the forecast cannot be put back in the data's units: save it with dlm train ${file} --save ${values.checkpoint}`);
  }
  const scale = series.standardized ? stats! : { mean: 0, std: 1 };
  const history = new Float32Array(series.values.length);
  for (let i = 0; i < history.length; i++) history[i] = (series.values[i]! - scale.mean) / scale.std;
  const window = loaded.program.inputs[0]!.shape[1]!;
  if (history.length < window) throw new InferenceError(`data '${data.name}' has ${history.length} values, fewer than the model's window of ${window}`);
  const out = Array.from(loaded.model.forecast(history, steps), (v) => v * scale.std + scale.mean);
  const round = (v: number) => Math.round(v * 100) / 100;
  if (values.json) io.out(JSON.stringify({ model: name, after: series.values.length, forecast: out.map(round) }) + "\n");
  else {
    io.err(`${name}: the ${steps} value${steps === 1 ? "" : "s"} after the ${series.values.length} of data '${data.name}' (window ${window}, predictions fed back)\n`);
    io.out(out.map((v) => `${round(v)}\n`).join(""));
  }
  return 0;
}
