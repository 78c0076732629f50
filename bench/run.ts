// `npm run bench [-- NAME...]`: runs the benchmarks and prints one line (or table) each. Timings belong
// here, never in tests.

import { benchFrontEnd } from "./front-end.js";

const benches: Record<string, () => string | Promise<string>> = {
  "front-end": () => benchFrontEnd(),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const run = benches[name];
  if (!run) {
    process.stderr.write(`bench: unknown benchmark '${name}' (have: ${Object.keys(benches).join(", ")})\n`);
    process.exitCode = 2;
    continue;
  }
  process.stdout.write((await run()) + "\n");
}
