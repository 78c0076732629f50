// A real bundler for browsers takes a generated module as it is: Vite (installed with vitest) builds the
// compiled MLP, TS target and Wasm glue with its .wasm, for the browser with no Node polyfills, and the
// bundle holds no Node stub (Vite replaces a node: import it meets by `__vite-browser-external`, which
// throws when used), the node entry is not in it, and the .wasm is emitted as an asset (the glue's
// `new URL("./mlp.wasm", import.meta.url)`). The same build of a module that imports the full
// `dlm/runtime` does hold the stub: the check can fail.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitTypeScript } from "../../compiler/emit/ts/index.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { lowerExample } from "./examples.js";
import { RUNTIME_ENTRIES } from "./import-graph.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Chunk { type: "chunk"; code: string; fileName: string }
interface Asset { type: "asset"; fileName: string }

/** Vite's browser build of `entry` (in `dir`), in memory: the chunks' code and the asset names. */
async function bundle(dir: string, entry: string): Promise<{ code: string; assets: string[] }> {
  const { build } = await import("vite");
  const out = await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    resolve: { alias: Object.entries(RUNTIME_ENTRIES).map(([find, replacement]) => ({ find: new RegExp(`^${find}$`), replacement })) },
    // An app build (a library build would inline the .wasm as base64), keeping the module's exports.
    build: { write: false, minify: false, target: "es2022", rollupOptions: { input: join(dir, entry), preserveEntrySignatures: "strict" } },
  });
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => ("output" in o ? (o.output as (Chunk | Asset)[]) : []));
  return {
    code: outputs.filter((o): o is Chunk => o.type === "chunk").map((o) => o.code).join("\n"),
    assets: outputs.filter((o): o is Asset => o.type === "asset").map((o) => o.fileName),
  };
}

const NODE_STUB = "__vite-browser-external";

describe("a browser bundle of the compiled MLP", () => {
  const { program } = lowerExample("mlp");

  it("TS target: no Node stub, no node entry, no static node: import", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dlm-bundle-"));
    dirs.push(dir);
    const { files } = await emitTypeScript(program);
    await writeFile(join(dir, "mlp.ts"), files["mlp.ts"]!);
    const { code } = await bundle(dir, "mlp.ts");
    expect(code).toContain("class Mlp");
    expect(code).toContain("function serializeSafetensors");
    expect(code).not.toContain(NODE_STUB);
    expect(code).not.toMatch(/from\s*["'](node:)?(fs|path|zlib|os|util)/);
    expect(code).not.toContain("writeFileDurable");
  }, 120_000);

  it("Wasm target: the glue bundles with its .wasm as an asset and no Node stub", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dlm-bundle-"));
    dirs.push(dir);
    const out = await emitWasm(program);
    await writeFile(join(dir, "mlp.ts"), out.files["mlp.ts"]!);
    await writeFile(join(dir, out.wasmFile), out.wasm);
    const { code, assets } = await bundle(dir, "mlp.ts");
    expect(code).toContain("class Mlp");
    expect(code).not.toContain(NODE_STUB);
    expect(code).not.toContain("writeFileDurable");
    const wasm = assets.find((a) => a.endsWith(".wasm"));
    expect(wasm).toBeDefined();
    expect(code).toContain(`new URL("/${wasm}", "" + import.meta.url)`);
  }, 120_000);

  it("the full dlm/runtime, for contrast, brings Node stubs in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dlm-bundle-"));
    dirs.push(dir);
    await writeFile(join(dir, "full.ts"), `import { saveCheckpoint } from "dlm/runtime";\nexport const f = saveCheckpoint;\n`);
    const { code } = await bundle(dir, "full.ts");
    expect(code).toContain(NODE_STUB);
  }, 120_000);
});
