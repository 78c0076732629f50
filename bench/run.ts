// `npm run bench [-- NAME [OPTIONS]]`: runs the benchmarks and prints their tables. Timings and ratios
// belong here, never in tests. Without a name every benchmark runs with its default (short) settings;
// `npm run bench -- compare --long` runs the full comparison protocol of ../shared/anchors/PERFORMANCE.md.

import { benchFrontEnd } from "./front-end.js";
import { benchKernels } from "./kernels.js";
import { benchMatmul } from "./matmul.js";
import { benchCompare, parseCompareArgs } from "./compare/index.js";
import { benchCompileTime, parseCompileTimeArgs } from "./compile-time.js";

const benches: Record<string, (args: string[]) => string | Promise<string>> = {
  "front-end": () => benchFrontEnd(),
  kernels: () => benchKernels(),
  matmul: () => benchMatmul(),
  compare: (args) => benchCompare(parseCompareArgs(args)),
  "compile-time": (args) => benchCompileTime(parseCompileTimeArgs(args)),
};

const [name, ...args] = process.argv.slice(2);
const chosen = name === undefined ? Object.keys(benches) : [name];
for (const b of chosen) {
  const run = benches[b];
  if (!run) {
    process.stderr.write(`bench: unknown benchmark '${b}' (have: ${Object.keys(benches).join(", ")})\n`);
    process.exitCode = 2;
    break;
  }
  process.stdout.write(`\n== ${b}\n`);
  try {
    process.stdout.write((await run(name === undefined ? [] : args)) + "\n");
  } catch (e) {
    process.stderr.write(`bench ${b}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
