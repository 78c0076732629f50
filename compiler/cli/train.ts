// `dlm train FILE`: compile the file's train block in memory, load its data, train with a live progress
// line on stderr and a summary per epoch, then print the test metrics. `--json` prints one JSON object per
// line on stdout instead (epochs, then a final result with the test metrics and samples/s, and for a
// sequence model the figures the text output prints after them: "sequence", see sequence-json.ts).

import { performance } from "node:perf_hooks";
import { renderDiagnostics } from "../diagnostics/render.js";
import { frontEnd } from "../frontend.js";
import { lowerProgram } from "../lower/index.js";
import { loadCompiled } from "../emit/ts/load.js";
import { loadCompiledWasm } from "../emit/wasm/program/index.js";
import { optimizeProgram } from "../pipeline.js";
import { classNameOf } from "../emit/ts/index.js";
import type { Diagnostic } from "../../grammar/source.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import { DataError } from "../../runtime/data/errors.js";
import { ProgressReporter } from "../../runtime/progress.js";
import { TrainingError } from "../../runtime/training-error.js";
import { loadDataWithInfo, type DataInfo } from "./data.js";
import { formatBaseline } from "./data-text.js";
import { vocabToMetadata } from "../../runtime/data/vocab-checkpoint.js";
import { standardizeMetadata } from "./forecast.js";
import { sequenceReportLines } from "./sequence-reports.js";
import { sequenceJson } from "./sequence-json.js";
import type { Io } from "./io.js";
import { checkWritablePath, readSource } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";

export const trainHelp = `Usage: dlm train [options] FILE

Compiles FILE's train block in memory and runs it: loads the data, trains with a live progress
line (stderr), prints a summary per epoch and the final test metrics.

Options:
  --model NAME     which train block to run, by its model (when the file has several)
  --epochs N       override the number of epochs
  --seed N         override the seed (initialisation, shuffling, dropout)
  --save PATH      write the trained weights to PATH (safetensors, written atomically)
  --target T       ts (default) or wasm: the same model, run as WebAssembly SIMD
  --json           one JSON object per line on stdout (epochs, then the result)
  -h, --help       show this help

Exit codes: 0 trained, 1 errors in the file or its data, 2 bad invocation.
`;

type Metrics = Record<string, number>;

/** The surface of a generated model class that training uses. */
interface TrainableModel {
  fit(
    data: { train: Dataset; validation?: Dataset },
    options: { epochs?: number; seed?: number; onStep?: (s: { epoch: number; step: number; metrics: Metrics }) => void; onEpoch?: (e: { epoch: number; train: Metrics; validation?: Metrics }) => void },
  ): Promise<{ epochs: unknown[]; bestEpoch: number; stoppedEarly: boolean }>;
  /** Absent for step blocks with several objectives (a GAN has no single loss to report). */
  evaluate?: (data: Dataset) => Metrics;
  save(path: string, options?: { metadata?: Readonly<Record<string, string>> }): Promise<void>;
}
interface TrainableClass {
  batch: number;
  create(options: { seed?: number }): Promise<TrainableModel>;
}

export async function trainCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("train", args, {
    model: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    save: { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm train examples/mlp.dlm)" : "train takes one file", "train");
  const file = positionals[0]!;
  const epochs = intOption("epochs", values.epochs, "train", 1);
  const seed = intOption("seed", values.seed, "train", 0);
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "train") ?? "ts";
  if (values.save !== undefined) checkWritablePath(values.save, "--save", "train");
  const text = await readSource(file, "train");

  const front = frontEnd(text, file);
  const fail = (diagnostics: Diagnostic[]) => {
    io.err(renderDiagnostics(diagnostics, new Map([[front.source.name, front.source]]), { color: io.color }) + "\n");
    return 1;
  };
  if (front.diagnostics.some((d) => d.severity === "error")) return fail(front.diagnostics);
  const trains = front.checked.trains;
  if (trains.length === 0) {
    io.err(`dlm: ${file} has no train block to run\n`);
    return 1;
  }
  const chosen = values.model === undefined ? trains : trains.filter((t) => t.model === values.model);
  if (chosen.length !== 1) {
    const names = trains.map((t) => t.model).join(", ");
    throw new UsageError(values.model === undefined ? `${file} has several train blocks (${names}): choose one with --model` : `no train block for '${values.model}' in ${file} (have: ${names})`, "train");
  }
  const train = chosen[0]!;

  const lowered = lowerProgram(front.checked, file);
  if (lowered.diagnostics.some((d) => d.severity === "error")) return fail(lowered.diagnostics);
  const modelProgram = lowered.program.models.find((m) => m.name === train.model);
  if (!modelProgram?.train) {
    io.err(`dlm: the train block of '${train.model}' could not be compiled\n`);
    return 1;
  }
  // Only the chosen model is compiled: the others of the file are not needed to train it.
  const { program } = optimizeProgram({ ...lowered.program, models: [modelProgram] });
  const module = target === "wasm" ? await loadCompiledWasm(program) : await loadCompiled(program);
  const cls = module[classNameOf(program, modelProgram.name)] as TrainableClass | undefined;
  if (!cls) throw new Error(`generated module has no class for ${modelProgram.name}`);

  const data = front.checked.data.find((d) => d.name === train.data);
  if (!data) throw new Error(`no checked data '${train.data}'`);
  let parts: Record<string, Dataset>;
  let dataInfo: DataInfo;
  try {
    ({ parts, info: dataInfo } = loadDataWithInfo(data));
  } catch (e) {
    if (e instanceof DataError) {
      io.err(`dlm: cannot load data '${data.name}': ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const trainSet = parts.train ?? parts.all;
  if (!trainSet) {
    io.err(`dlm: data '${data.name}' has no train part\n`);
    return 1;
  }
  const validation = parts.validation;
  const test = parts.test;
  for (const note of dataInfo.notes) io.err(`${note}\n`);

  const totalEpochs = epochs ?? modelProgram.training?.epochs ?? 1;
  const batch = cls.batch;
  const stepsPerEpoch = Math.floor(trainSet.count / batch);
  const progress = new ProgressReporter({
    epochs: totalEpochs,
    stepsPerEpoch,
    batchSize: batch,
    mode: values.json ? "json" : "auto",
    stderr: { write: io.err, isTTY: io.errIsTty },
    stdout: { write: io.out },
  });
  const model = await cls.create(seed === undefined ? {} : { seed });
  // The model counts steps over the whole run; the reporter counts them within the epoch.
  let firstStepOfEpoch = 0;
  const started = performance.now();
  progress.startEpoch(1);
  let trainedSamples = 0;
  const fitting = model.fit(validation ? { train: trainSet, validation } : { train: trainSet }, {
    epochs: totalEpochs,
    ...(seed === undefined ? {} : { seed }),
    onStep: (s) => {
      trainedSamples += batch;
      progress.step(s.step - firstStepOfEpoch, s.metrics.loss ?? NaN);
    },
    onEpoch: (e) => {
      const metrics: Metrics = {};
      // A task metric computed only over a whole set (detection_map) is not among the training means.
      for (const [k, v] of Object.entries(e.train)) if (k !== "loss") metrics[k] = v;
      for (const [k, v] of Object.entries(e.validation ?? {})) metrics[`val_${k}`] = v;
      progress.endEpoch({ loss: e.train.loss ?? NaN, metrics });
      firstStepOfEpoch += stepsPerEpoch;
      if (e.epoch < totalEpochs) progress.startEpoch(e.epoch + 1);
    },
  });
  let result: Awaited<typeof fitting>;
  try {
    result = await fitting;
  } catch (e) {
    // The generated fit() throws a TrainingError when the loss becomes NaN or Inf, or the data is smaller
    // than a batch: the user's problem, said plainly (nothing was saved).
    if (e instanceof TrainingError) {
      progress.log(`dlm: training stopped: ${e.reason}`);
      return 1;
    }
    throw e;
  }
  const seconds = (performance.now() - started) / 1000;
  if (result.stoppedEarly) progress.log(`early stop: restored the weights of epoch ${result.bestEpoch}`);

  const testMetrics = test && model.evaluate ? model.evaluate(test) : undefined;
  // Without a test part the validation part is the held-out figure (a language model's bits/char).
  const validationMetrics = !test && validation && model.evaluate ? model.evaluate(validation) : undefined;
  if (values.save !== undefined) {
    // One atomic write with everything generate/forecast need: never a checkpoint without its vocabulary.
    const metadata = {
      ...(dataInfo.vocab ? vocabToMetadata(dataInfo.vocab) : {}),
      ...(dataInfo.stats.value ? standardizeMetadata(dataInfo.stats.value) : {}),
    };
    await model.save(values.save, { metadata });
  }
  const samplesPerSecond = seconds > 0 ? trainedSamples / seconds : 0;
  if (values.json) {
    const baseline = dataInfo.baseline ? Object.fromEntries(dataInfo.baseline.orders.map((o) => [`${o.order}-gram`, o.bitsPerChar])) : undefined;
    const sequence = sequenceJson(model, modelProgram, parts, dataInfo, validationMetrics);
    io.out(JSON.stringify({ event: "result", model: train.model, epochs: result.epochs.length, test: testMetrics ?? null, ...(validationMetrics ? { validation: validationMetrics } : {}), ...(baseline ? { baseline_bits_per_char: baseline } : {}), ...(sequence ? { sequence } : {}), samples_per_s: Math.round(samplesPerSecond), seconds: Math.round(seconds * 100) / 100, saved: values.save ?? null }) + "\n");
  } else {
    const show = (m: Metrics) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join("  ");
    if (validationMetrics) io.out(`validation: ${show(validationMetrics)}\n`);
    else io.out(`test: ${testMetrics ? show(testMetrics) : "(no test part)"}\n`);
    if (dataInfo.baseline) io.out(`${formatBaseline(dataInfo.baseline)}\n`);
    for (const line of sequenceReportLines(model, modelProgram, parts, dataInfo)) io.out(`${line}\n`);
    io.err(`trained ${train.model} for ${result.epochs.length} epoch${result.epochs.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s (${Math.round(samplesPerSecond).toLocaleString("en-US")} samples/s)${values.save ? `; saved ${values.save}` : ""}\n`);
  }
  return 0;
}
