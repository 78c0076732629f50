// `dlm anomaly FILE`: one-class anomaly detection with a model that declares an output named `score`
// (an autoencoder's per-example reconstruction error). For each class k: train a fresh model on the
// training examples of class k only, score every test example, and measure how well the score ranks the
// other classes (anomalies) above class k (normal): the AUROC. Prints one line per class and the mean.

import { performance } from "node:perf_hooks";
import { auroc } from "../../runtime/stats/auroc.js";
import type { Dataset } from "../../runtime/data/dataset.js";
import type { Io } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { openSession, runSession, sessionData, SessionError } from "./session.js";

export const anomalyHelp = `Usage: dlm anomaly [options] FILE

One-class anomaly detection with FILE's model, which must declare an output named 'score' (for an
autoencoder, the per-example reconstruction error). For each class k: trains a fresh model on the
training examples labelled k, scores the test set, and prints the AUROC of the score for telling
the other classes (anomalies) from k; then the mean over the classes.

Options:
  --classes LIST   classes to run, e.g. 0,3,7 (default: every label in the training part)
  --label NAME     the integer label field (default label)
  --epochs N       epochs per class (default: the train block's)
  --seed N         seed of initialisation and shuffling
  --model NAME     the train block (when the file has several)
  --target T       ts (default) or wasm
  --json           one JSON object per class, then the mean, on stdout
  -h, --help       show this help

Exit codes: 0 ok, 1 errors in the file or its data, 2 bad invocation.
`;

function withLabel(d: Dataset, label: string, k: number): Dataset {
  const labels = d.field(label).data;
  const idx: number[] = [];
  for (let i = 0; i < d.count; i++) if (labels[i] === k) idx.push(i);
  return d.subset(Int32Array.from(idx));
}

export async function anomalyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("anomaly", args, {
    classes: { type: "string" },
    label: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm anomaly examples/autoencoder-fashion.dlm --target wasm)" : "anomaly takes one file", "anomaly");
  const epochs = intOption("epochs", values.epochs, "anomaly", 1);
  const seed = intOption("seed", values.seed, "anomaly", 0);
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "anomaly") ?? "ts";
  const labelName = values.label ?? "label";
  let classes: number[] | undefined;
  if (values.classes !== undefined) {
    classes = values.classes.split(",").map((s) => intOption("classes", s, "anomaly", 0)!);
  }

  return runSession(io, async () => {
    const session = await openSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target, command: "anomaly", io });
    const input = session.program.inputs[0];
    if (!session.program.outputs.some((o) => o.name === "score" && o.dtype === "f32" && o.shape.length === 1)) {
      throw new SessionError(`${session.program.name} declares no output 'score: f32[B]' (a per-example anomaly score)`);
    }
    if (session.program.inputs.length !== 1 || !input) throw new SessionError(`${session.program.name} must take one input`);
    const parts = sessionData(session);
    const train = parts.train;
    const test = parts.test;
    if (!train || !test) throw new SessionError(`data '${session.dataName}' needs train and test parts (have: ${Object.keys(parts).join(", ")})`);
    for (const [name, d] of [["train", train], ["test", test]] as const) {
      if (!d.fields.has(labelName) || !(d.field(labelName).data instanceof Int32Array)) throw new SessionError(`the ${name} part has no integer field '${labelName}' (choose it with --label)`);
    }
    const testLabels = test.field(labelName).data as Int32Array;
    const testX = test.field(input.name).data;
    const present = [...new Set(train.field(labelName).data)].sort((a, b) => a - b);
    const runs = classes ?? present;
    const results: Array<{ class: number; auroc: number; train: number }> = [];
    for (const k of runs) {
      const normal = withLabel(train, labelName, k);
      if (normal.count < session.cls.batch) throw new SessionError(`class ${k} has ${normal.count} training examples, fewer than one batch of ${session.cls.batch}`);
      const started = performance.now();
      const model = await session.cls.create(seed === undefined ? {} : { seed });
      await model.fit({ train: normal }, {
        ...(epochs === undefined ? {} : { epochs }),
        ...(seed === undefined ? {} : { seed }),
        onEpoch: (e) => io.err(`class ${k}: epoch ${e.epoch}  loss ${(e.train.loss ?? NaN).toFixed(5)}\n`),
      });
      const inputs = { [input.name]: testX };
      const scores = model.score ? model.score(inputs) : (model.predict(inputs).score as Float32Array);
      const positive = Array.from(testLabels, (l) => l !== k);
      let value: number;
      try {
        value = auroc(scores, positive);
      } catch (e) {
        throw new SessionError(`class ${k}: ${(e as Error).message}`);
      }
      results.push({ class: k, auroc: value, train: normal.count });
      const seconds = (performance.now() - started) / 1000;
      if (values.json) io.out(JSON.stringify({ class: k, auroc: value, train_examples: normal.count, seconds: Math.round(seconds * 10) / 10 }) + "\n");
      else io.out(`class ${k}: AUROC ${value.toFixed(4)}  (trained on ${normal.count}, ${positive.filter((p) => !p).length} normal / ${positive.filter((p) => p).length} anomalous test examples, ${seconds.toFixed(1)} s)\n`);
    }
    const mean = results.reduce((s, r) => s + r.auroc, 0) / results.length;
    if (values.json) io.out(JSON.stringify({ mean_auroc: mean, classes: results.length }) + "\n");
    else io.out(`mean AUROC ${mean.toFixed(4)} over ${results.length} classes\n`);
    return 0;
  });
}
