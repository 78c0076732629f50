// `dlm generate FILE --checkpoint PATH`: text from a trained character language model. The file's model is
// compiled at batch 1, the checkpoint's weights and character vocabulary (saved by `dlm train --save`)
// are loaded, and the class's generate() samples from the prompt: the prompt and the text on stdout.

import { vocabFromMetadata } from "../../runtime/data/vocab-checkpoint.js";
import { UNKNOWN } from "../../runtime/data/text.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { checkFile, chooseModel, InferenceError, loadForInference, modelsOfKind } from "./inference.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";

export const generateHelp = `Usage: dlm generate [options] FILE

Samples text from FILE's character language model with trained weights, and prints the
prompt followed by the generated text (stdout). Defaults come from the file's generate block.

Options:
  --checkpoint PATH  the weights and vocabulary written by dlm train --save (required)
  --prompt TEXT      the text to continue
  --steps N          how many characters to generate
  --temperature T    0 = always the likeliest character; higher = more varied
  --top-k K          sample only among the K likeliest characters (0 = all)
  --seed N           the same seed gives the same text
  --model NAME       which model (when the file has several language models)
  --target T         ts (default) or wasm
  -h, --help         show this help

Exit codes: 0 generated, 1 errors in the file or the checkpoint, 2 bad invocation.
`;

/** The part of a generated language-model class this command uses. */
interface LanguageModel {
  generate(prompt: ArrayLike<number>, options: { steps?: number; temperature?: number; topK?: number; seed?: number }): Int32Array;
}

export async function generateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("generate", args, {
    checkpoint: { type: "string" },
    prompt: { type: "string" },
    steps: { type: "string" },
    temperature: { type: "string" },
    "top-k": { type: "string" },
    seed: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm generate examples/char-lstm.dlm --checkpoint lstm.safetensors)" : "generate takes one file", "generate");
  const file = positionals[0]!;
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (the weights written by dlm train --save)", "generate");
  const steps = intOption("steps", values.steps, "generate", 0);
  const topK = intOption("top-k", values["top-k"], "generate", 0);
  const seed = intOption("seed", values.seed, "generate", 0);
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "generate") ?? "ts";
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (values.temperature.trim() === "" || !Number.isFinite(temperature) || temperature < 0) throw new UsageError(`--temperature must be a number ≥ 0, got '${values.temperature}'`, "generate");
  }
  const text = await readSource(file, "generate");
  const front = checkFile(text, file, io);
  if (!front) return 1;
  const name = chooseModel(modelsOfKind(front, file, "language-model"), values.model, file, "generate", "language model");
  const block = front.checked.generates.find((g) => g.model === name);
  const prompt = values.prompt ?? block?.prompt;
  if (prompt === undefined) throw new UsageError(`${file} has no generate block for '${name}': give the text to continue with --prompt`, "generate");
  if (prompt === "") throw new UsageError("--prompt is empty: give at least one character to continue", "generate");
  const loaded = await loadForInference<LanguageModel>(front, file, name, values.checkpoint, target, io);
  if (!loaded) return 1;
  // A malformed vocabulary entry is a CheckpointError: main says it in one line.
  const vocab = vocabFromMetadata(loaded.metadata, values.checkpoint);
  if (!vocab) throw new InferenceError(`${values.checkpoint} has no character vocabulary (metadata dlm.vocab): save it with dlm train ${file} --save ${values.checkpoint}`);
  const classes = loaded.program.outputs[0]!.shape[2]!;
  if (vocab.size !== classes) throw new InferenceError(`${values.checkpoint}: its vocabulary has ${vocab.size} ids but '${name}' predicts ${classes}`);
  const ids = vocab.encode(prompt);
  const outside = [...new Set([...prompt].filter((c) => vocab.encode(c).includes(UNKNOWN)))];
  if (outside.length > 0) {
    throw new InferenceError(`the prompt has character${outside.length === 1 ? "" : "s"} the model was not trained on: ${outside.map((c) => JSON.stringify(c)).join(" ")}`);
  }
  const options = {
    ...(steps === undefined ? {} : { steps }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topK === undefined ? {} : { topK }),
    ...(seed === undefined ? {} : { seed }),
  };
  const out = loaded.model.generate(ids, options);
  io.out(`${prompt}${vocab.decode(out)}\n`);
  return 0;
}
