// Compile time depends on what `dlm compile --target wasm` loads. Its static import graph (value imports
// and re-exports; `import type` and dynamic import() load nothing up front) must not reach ts-morph, the
// TypeScript compiler, prettier or binaryen: those are imported on use. And the Liftoff window of
// binaryen.ts opens and closes with every module, whatever way it ends.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";
import { REPO } from "../emit/examples.js";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { openBinaryenModules } from "../../compiler/emit/wasm/binaryen.js";

/** Packages reached from `entry` through static value imports of the repo's .ts files. */
function staticPackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [resolve(REPO, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    for (const m of code.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;"']*?\sfrom\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) stack.push(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!spec.startsWith("node:")) packages.set(spec.split("/")[0]!.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!, file.slice(REPO.length));
    }
  }
  return packages;
}

it.each(["compiler/cli/main.ts", "compiler/cli/compile.ts", "compiler/emit/wasm/program/index.ts"])("%s loads no heavy package up front", (entry) => {
  const reached = staticPackages(entry);
  for (const heavy of ["ts-morph", "typescript", "prettier", "binaryen"]) expect(reached.get(heavy), `${heavy} (imported by ${reached.get(heavy)})`).toBeUndefined();
});

it("the test itself sees a static import of ts-morph where there is one", () => {
  expect(staticPackages("compiler/emit/ts/load.ts").has("ts-morph")).toBe(true);
});

it("every binaryen module closes the Liftoff window it opened: finished, disposed or failed", async () => {
  const before = openBinaryenModules();
  const a = await WasmModule.create();
  const b = await WasmModule.create();
  expect(openBinaryenModules()).toBe(before + 2);
  a.finish();
  expect(openBinaryenModules()).toBe(before + 1);
  b.dispose();
  b.dispose();
  expect(openBinaryenModules()).toBe(before);
  const c = await WasmModule.create();
  // a call to a function that does not exist: finish() fails validation
  c.addFunction("bad", { params: {}, result: "none" }, (f) => [f.call("missing", [])]);
  expect(() => c.finish()).toThrow();
  expect(openBinaryenModules()).toBe(before);
});
