// The `dlm` command: dispatches to one file per command. Exit codes: 0 ok, 1 errors in the user's program,
// 2 a bad invocation. A user's mistake never shows a stack trace; an internal error says it is one.

import { createRequire } from "node:module";
import { processIo, type Io } from "./io.js";
import { UsageError } from "./usage.js";
import { checkCommand, checkHelp } from "./check.js";
import { trainCommand, trainHelp } from "./train.js";
import { compileCommand, compileHelp } from "./compile.js";
import { sampleCommand, sampleHelp } from "./sample.js";
import { reconstructCommand, reconstructHelp } from "./reconstruct.js";
import { anomalyCommand, anomalyHelp } from "./anomaly.js";
import { pcaCommand, pcaHelp } from "./pca.js";
import { evaluateCommand, evaluateHelp } from "./evaluate.js";
import { generateCommand, generateHelp } from "./generate.js";
import { forecastCommand, forecastHelp } from "./forecast.js";
import { attackCommand, attackHelp } from "./attack.js";
import { explainCommand, explainHelp } from "./explain.js";

interface Command {
  summary: string;
  help: string;
  run: (args: string[], io: Io) => Promise<number>;
}

const commands: Record<string, Command> = {
  check: { summary: "check .dlm files and print each model's shapes and parameter count", help: checkHelp, run: checkCommand },
  train: { summary: "compile a file's train block in memory and run it", help: trainHelp, run: trainCommand },
  compile: { summary: "compile a file to a TypeScript module (or print its IR)", help: compileHelp, run: compileCommand },
  evaluate: { summary: "loss and metrics of trained weights on every data part, and the train − validation gap", help: evaluateHelp, run: evaluateCommand },
  sample: { summary: "draw samples from a trained generator: a PNG grid, judged by a classifier", help: sampleHelp, run: sampleCommand },
  reconstruct: { summary: "an autoencoder's test reconstructions: MSE and a PNG grid", help: reconstructHelp, run: reconstructCommand },
  anomaly: { summary: "one-class anomaly detection with a model's score output: AUROC per class", help: anomalyHelp, run: anomalyCommand },
  pca: { summary: "the PCA reconstruction baseline of a file's data", help: pcaHelp, run: pcaCommand },
  generate: { summary: "sample text from a trained character language model", help: generateHelp, run: generateCommand },
  forecast: { summary: "continue a series with a trained forecaster, printing the values", help: forecastHelp, run: forecastCommand },
  attack: { summary: "clean and adversarial (FGSM/PGD) accuracy of a trained classifier", help: attackHelp, run: attackCommand },
  explain: { summary: "a saliency map (or integrated gradients) of one test example, as a PNG", help: explainHelp, run: explainCommand },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join("\n");
  return `dlm — a compiler for neural networks and how to train them

Usage: dlm <command> [options] [files]

Commands:
${list}

Options:
  -h, --help     show this help; \`dlm <command> --help\` shows a command's
  -v, --version  print the version

Exit codes: 0 ok, 1 errors in the .dlm program, 2 bad invocation.
`;
}

function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      return (require(path) as { version: string }).version;
    } catch {
      // dist/ and the source tree sit at different depths
    }
  }
  return "unknown";
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands[topic];
    if (topic !== undefined && !command) return usageError(new UsageError(`unknown command '${topic}'`), io);
    (first === undefined ? io.err : io.out)(command ? command.help : mainHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") {
    io.out(`${version()}\n`);
    return 0;
  }
  const command = commands[first];
  if (!command) {
    const hint = first.startsWith("-") ? `unknown option '${first}'` : `unknown command '${first}'`;
    return usageError(new UsageError(hint), io);
  }
  if (rest.includes("-h") || rest.includes("--help")) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e, io, first);
    const err = e as Error;
    io.err(`dlm: internal error (a bug in dlm, not in your file): ${err?.message ?? String(e)}\n${err?.stack ?? ""}\n`);
    return 70;
  }
}

function usageError(e: UsageError, io: Io, command = e.command): number {
  const help = command ? `dlm ${command} --help` : "dlm --help";
  io.err(`dlm: ${e.message}\nRun '${help}' for usage.\n`);
  return 2;
}
