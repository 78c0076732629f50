// `dlm pca FILE --components K`: the linear baseline of an autoencoder. Fits a K-component PCA (float64
// covariance, subspace iteration: runtime/stats/pca.ts) on the training part of the model's input field
// and prints the per-value mean squared reconstruction error on the train and test parts — the same
// average as the autoencoder's `mse(recon, x)` test loss printed by `dlm train`.

import { performance } from "node:perf_hooks";
import { fitPca, pcaReconstructionMse } from "../../runtime/stats/pca.js";
import type { Io } from "./io.js";
import { intOption, parseCommandArgs, UsageError } from "./usage.js";
import { openSession, perExample, runSession, sessionData, SessionError } from "./session.js";

export const pcaHelp = `Usage: dlm pca [options] FILE

Fits a PCA with K components to the training part of the input field of FILE's model (its data as
the .dlm file declares it) and prints the mean squared reconstruction error per value on the
train and test parts: the linear baseline for an autoencoder's test mse.

Options:
  -k, --components K  principal components to keep (default 32)
  --field NAME        the data field (default: the model's one input)
  --model NAME        the train block (when the file has several)
  --json              print the figures as one JSON object
  -h, --help          show this help

Exit codes: 0 ok, 1 errors in the file or its data, 2 bad invocation.
`;

export async function pcaCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("pca", args, {
    components: { type: "string", short: "k" },
    field: { type: "string" },
    model: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm pca examples/autoencoder-fashion.dlm -k 32)" : "pca takes one file", "pca");
  const k = intOption("components", values.components, "pca", 1) ?? 32;
  return runSession(io, async () => {
    const session = await openSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target: "ts", command: "pca", io });
    const input = session.program.inputs[0];
    const field = values.field ?? (session.program.inputs.length === 1 ? input?.name : undefined);
    if (field === undefined) throw new SessionError(`${session.program.name} has several inputs: choose the field with --field`);
    const parts = sessionData(session);
    const train = parts.train ?? parts.all;
    if (!train) throw new SessionError(`data '${session.dataName}' has no train part`);
    if (!train.fields.has(field)) throw new SessionError(`data '${session.dataName}' has no field '${field}'`);
    const f = train.field(field);
    if (!(f.data instanceof Float32Array)) throw new SessionError(`field '${field}' is not f32`);
    const dim = f.data.length / train.count;
    if (input && field === input.name && perExample(input) !== dim) throw new Error(`field ${field} has ${dim} values per example, the model ${perExample(input)}`);
    if (k > dim) throw new UsageError(`--components ${k} is more than the ${dim} values per example`, "pca");
    const started = performance.now();
    const pca = fitPca(f.data, train.count, dim, k);
    const seconds = (performance.now() - started) / 1000;
    const result: Record<string, number | string> = { field, components: k, dim, train_examples: train.count, train_mse: pcaReconstructionMse(pca, f.data, train.count) };
    const test = parts.test;
    if (test) result.test_mse = pcaReconstructionMse(pca, test.field(field).data as Float32Array, test.count);
    const kept = pca.variances.reduce((a, b) => a + b, 0) / pca.totalVariance;
    result.explained_variance = kept;
    if (values.json) io.out(JSON.stringify(result) + "\n");
    else {
      io.out(`PCA of '${field}' (${dim} values), ${k} components fitted on ${train.count} train examples: ${(kept * 100).toFixed(2)}% of the variance\n`);
      io.out(`train mse ${(result.train_mse as number).toFixed(6)}\n`);
      io.out(test ? `test mse ${(result.test_mse as number).toFixed(6)} (${test.count} examples)\n` : "(no test part)\n");
      io.err(`fitted in ${seconds.toFixed(1)} s\n`);
    }
    return 0;
  });
}
