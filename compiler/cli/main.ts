// The `dlm` command: dispatches to one file per command. Exit codes: 0 ok, 1 errors in the user's program,
// 2 a bad invocation. A user's mistake never shows a stack trace; an internal error says it is one.

import { createRequire } from "node:module";
import { processIo, type Io } from "./io.js";
import { UsageError, UserError } from "./usage.js";

interface Loaded {
  help: string;
  run: (args: string[], io: Io) => Promise<number>;
}

interface Command {
  summary: string;
  /** The command's module, imported only when it runs (or shows its help): startup loads nothing else. */
  load: () => Promise<Loaded>;
}

// Each command's module is imported on use: importing all of them (the TS compiler, binaryen's loader,
// data sets…) cost `dlm compile` ~0.4 s of CPU before it started.
const lazy = <M>(load: () => Promise<M>, help: (m: M) => string, run: (m: M) => Loaded["run"]): Command["load"] =>
  async () => {
    const m = await load();
    return { help: help(m), run: run(m) };
  };

const commands: Record<string, Command> = {
  check: { summary: "check .dlm files and print each model's shapes and parameter count", load: lazy(() => import("./check.js"), (m) => m.checkHelp, (m) => m.checkCommand) },
  train: { summary: "compile a file's train block in memory and run it", load: lazy(() => import("./train.js"), (m) => m.trainHelp, (m) => m.trainCommand) },
  compile: { summary: "compile a file to a TypeScript module (or print its IR)", load: lazy(() => import("./compile.js"), (m) => m.compileHelp, (m) => m.compileCommand) },
  evaluate: { summary: "loss and metrics of trained weights on every data part, and the train − validation gap", load: lazy(() => import("./evaluate.js"), (m) => m.evaluateHelp, (m) => m.evaluateCommand) },
  sample: { summary: "draw samples from a trained generator: a PNG grid, judged by a classifier", load: lazy(() => import("./sample.js"), (m) => m.sampleHelp, (m) => m.sampleCommand) },
  reconstruct: { summary: "an autoencoder's test reconstructions: MSE and a PNG grid", load: lazy(() => import("./reconstruct.js"), (m) => m.reconstructHelp, (m) => m.reconstructCommand) },
  anomaly: { summary: "one-class anomaly detection with a model's score output: AUROC per class", load: lazy(() => import("./anomaly.js"), (m) => m.anomalyHelp, (m) => m.anomalyCommand) },
  pca: { summary: "the PCA reconstruction baseline of a file's data", load: lazy(() => import("./pca.js"), (m) => m.pcaHelp, (m) => m.pcaCommand) },
  generate: { summary: "sample text from a trained character language model", load: lazy(() => import("./generate.js"), (m) => m.generateHelp, (m) => m.generateCommand) },
  forecast: { summary: "continue a series with a trained forecaster, printing the values", load: lazy(() => import("./forecast.js"), (m) => m.forecastHelp, (m) => m.forecastCommand) },
  attack: { summary: "clean and adversarial (FGSM/PGD) accuracy of a trained classifier", load: lazy(() => import("./attack.js"), (m) => m.attackHelp, (m) => m.attackCommand) },
  explain: { summary: "a saliency map (or integrated gradients) of one test example, as a PNG", load: lazy(() => import("./explain.js"), (m) => m.explainHelp, (m) => m.explainCommand) },
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
    (first === undefined ? io.err : io.out)(command ? (await command.load()).help : mainHelp());
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
  const loaded = await command.load();
  if (rest.includes("-h") || rest.includes("--help")) {
    io.out(loaded.help);
    return 0;
  }
  try {
    return await loaded.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e, io, first);
    if (e instanceof UserError) {
      if (e.message) io.err(`dlm: ${e.message}\n`);
      return 1;
    }
    // Files the user named that could not be written or read (a full disk, a bad checkpoint), or a generated
    // fit() that could not go on (a NaN loss, in a command without its own report): said plainly.
    // Matched by name so that startup imports none of these modules.
    if (e instanceof Error && (e.name === "CheckpointError" || e.name === "ImageError" || e.name === "TrainingError")) {
      io.err(`dlm: ${e.message}\n`);
      return 1;
    }
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
