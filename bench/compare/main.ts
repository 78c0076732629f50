// Command-line entry of the comparison benchmark, for running it on its own:
//   npm run build && node dist/bench/compare/main.js [--long] [--window S] [--only tfjs-wasm,pytorch] …
// Report on stdout, progress on stderr; exit code 2 for a bad option.

import { benchCompare, parseCompareArgs } from "./index.js";
import type { CompareOptions } from "./index.js";

let options: CompareOptions | undefined;
try {
  options = parseCompareArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`compare: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
if (options) process.stdout.write((await benchCompare(options)) + "\n");
