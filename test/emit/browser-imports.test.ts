// Generated modules are platform-neutral: from the module emitted for a few examples (TS target, and the
// Wasm target's glue module and its .d.ts), the static import graph through the runtime's source reaches
// no Node built-in (node:fs, fs, path, zlib, …), also inside the packages it imports (pure-rand), so a
// browser or a bundler loads it without polyfills. The one way to Node code is the computed import() inside save(path) / load(path).

import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { lowerExample, REPO } from "./examples.js";
import { RUNTIME_ENTRIES, importGraph, isNodeBuiltin, moduleImports } from "./import-graph.js";

const EXAMPLES = ["mlp", "cnn", "char-lstm", "seq2seq"];

function expectNeutral(code: string, name: string): void {
  const own = moduleImports(code, name);
  expect(own.static.every((s) => s === "dlm/runtime/core"), `${name} imports ${own.static.join(", ")}`).toBe(true);
  const graph = importGraph({ code, name });
  expect(graph.external.filter((e) => isNodeBuiltin(e.spec)), `${name}: Node built-ins reached`).toEqual([]);
  expect(graph.external, `${name}: specifiers that resolve to no file`).toEqual([]);
  expect(graph.literalDynamic, `${name}: import() a bundler would follow`).toEqual([]);
  expect(graph.files.some((f) => /node\.ts$|checkpoint\.ts$|atomic-file\.ts$|progress\.ts$/.test(f)), graph.files.join(", ")).toBe(false);
}

describe("the import graph check", () => {
  it("sees Node built-ins through the full entry and type-only imports as erased", () => {
    const full = importGraph({ code: `import { matmul } from "dlm/runtime";\nvoid matmul;`, name: "full.ts" });
    expect(full.external.map((e) => e.spec)).toEqual(expect.arrayContaining(["node:fs", "node:fs/promises", "node:path", "node:zlib"]));
    expect(full.files).toContain("runtime/checkpoint.ts");
    const text = moduleImports(`import type { A } from "node:fs";\nimport { type B } from "node:path";\nexport type { C } from "zlib";\nimport { d } from "fs";\nexport * from "./x.js";\nconst f = "node:os";\nvoid import(f);\nvoid import("node:url");`);
    expect(text.static).toEqual(["fs", "./x.js"]);
    expect(text.dynamic).toEqual([undefined, "node:url"]);
    expect(isNodeBuiltin("fs") && isNodeBuiltin("fs/promises") && isNodeBuiltin("node:zlib") && !isNodeBuiltin("fast-png")).toBe(true);
  });

  it("dlm/runtime/core reaches no Node built-in and no package; dlm/runtime/node holds the file functions", async () => {
    const core = importGraph({ file: RUNTIME_ENTRIES["dlm/runtime/core"]! });
    expect(core.external).toEqual([]);
    expect(core.literalDynamic).toEqual([]);
    expect(core.files).toEqual(expect.arrayContaining(["runtime/safetensors.ts", "runtime/data/dataset.ts", "runtime/data/text.ts", "runtime/rng.ts"]));
    // Packages are walked too (pure-rand's ESM build), not taken on trust.
    expect(core.files.filter((f) => f.startsWith("node_modules/pure-rand/lib/esm/")).length).toBeGreaterThan(1);
    const node = (await import(`${REPO}runtime/node.ts`)) as Record<string, unknown>;
    expect(typeof node["writeCheckpointFile"]).toBe("function");
    expect(typeof node["readCheckpointFile"]).toBe("function");
  });
});

describe.each(EXAMPLES)("%s: the generated module is platform-neutral", (name) => {
  const { program } = lowerExample(name);

  it("TS target", async () => {
    const { files } = await emitTypeScript(program, { format: false });
    const [file, code] = Object.entries(files)[0]!;
    expectNeutral(code, file);
    // save/load by path reach Node only through the computed specifier of checkpointFiles.
    expect(moduleImports(code, file).dynamic).toEqual([undefined]);
    expect(code).toContain(`const files = "dlm/runtime/node";`);
  });

  it("Wasm target (glue module and declarations)", async () => {
    const out = await emitWasm(program, { optimize: false });
    for (const [file, code] of Object.entries(out.files)) {
      expectNeutral(code, file);
      // The loader's node:fs/promises (reading the .wasm next to the module) and save/load's node entry: both computed.
      if (file.endsWith(".ts") && !file.endsWith(".d.ts")) expect(moduleImports(code, file).dynamic).toEqual([undefined, undefined]);
    }
  });
});
