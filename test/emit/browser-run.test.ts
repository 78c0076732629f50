// A compiled model runs on dlm/runtime/core alone, with Node's built-ins out of reach: the generated
// module (TS target, and the Wasm glue with its .wasm passed as bytes, as a browser would) and the
// runtime files its import graph reaches are transpiled into a temp directory and run in a child Node
// whose module hooks refuse every node: / built-in import except the test harness's own. There the
// model loads weights from bytes (loadBytes), predicts like the in-process module, serializes itself
// (saveBytes), and save(path) fails with the message that points to saveBytes.

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { ts } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import { classNameOf, emitTypeScript } from "../../compiler/emit/ts/index.js";
import { loadCompiled, transpileForLoad } from "../../compiler/emit/ts/load.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { expectNormClose, randomBatch } from "../emit-wasm-program/helpers.js";
import { REPO, lowerExample } from "./examples.js";
import { RUNTIME_ENTRIES, importGraph } from "./import-graph.js";

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface BytesModel {
  predict(inputs: Record<string, Float32Array | Int32Array>): Record<string, Float32Array | Int32Array>;
  saveBytes(options?: { optimizer?: boolean }): Uint8Array;
}

const HOOKS = `import { builtinModules } from "node:module";
const harness = new URL("./run.mjs", import.meta.url).href;
export async function resolve(specifier, context, next) {
  const builtin = specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
  if (builtin && context.parentURL !== harness) throw new Error(\`denied: \${specifier} imported by \${context.parentURL}\`);
  return next(specifier, context);
}
`;
const REGISTER = `import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n`;
const HARNESS = `import { readFileSync } from "node:fs";
const job = JSON.parse(readFileSync(new URL("./job.json", import.meta.url), "utf8"));
const weights = new Uint8Array(readFileSync(new URL("./weights.safetensors", import.meta.url)));
const inputs = Object.fromEntries(Object.entries(job.inputs).map(([k, v]) => [k, v.i32 ? Int32Array.from(v.values) : Float32Array.from(v.values)]));
const out = {};
for (const t of job.targets) {
  const mod = await import(t.module);
  const options = { seed: 99 };
  if (t.wasm) options.wasm = new Uint8Array(readFileSync(new URL(t.wasm, import.meta.url)));
  const m = await mod[job.className].create(options);
  m.loadBytes(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength), "weights");
  const predictions = Object.fromEntries(Object.entries(m.predict(inputs)).map(([k, v]) => [k, Array.from(v)]));
  let saveError = "";
  try {
    await m.save("model.safetensors");
  } catch (e) {
    saveError = e.message;
  }
  out[t.module] = { predictions, saveError, roundTrip: Buffer.compare(m.saveBytes(), weights) === 0 };
}
console.log(JSON.stringify(out));
`;

/** The runtime files dlm/runtime/core reaches, transpiled to JS under dir/runtime (packages linked). */
async function writeCoreRuntime(dir: string): Promise<void> {
  const graph = importGraph({ file: RUNTIME_ENTRIES["dlm/runtime/core"]! });
  for (const file of graph.files.filter((f) => f.startsWith("runtime/"))) {
    const source = ts.sys.readFile(join(REPO, file))!;
    const js = ts.transpileModule(source, { fileName: file, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } }).outputText;
    const out = join(dir, file.replace(/\.ts$/, ".js"));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, js, "utf8");
  }
  const packages = new Set(graph.files.filter((f) => f.startsWith("node_modules/")).map((f) => f.split("/")[1]!));
  await mkdir(join(dir, "node_modules"), { recursive: true });
  for (const p of packages) await symlink(join(REPO, "node_modules", p), join(dir, "node_modules", p), "dir");
}

describe.each([["mlp"], ["char-lstm"]])("%s on dlm/runtime/core only", (name) => {
  it("loads weights from bytes and predicts like the in-process module (TS and Wasm targets)", async () => {
    const { program } = lowerExample(name, 4);
    const model = program.models[0]!;
    const className = classNameOf(program, model.name);
    const dir = await mkdtemp(join(tmpdir(), "dlm-browser-"));
    dirs.push(dir);
    await writeCoreRuntime(dir);
    await writeFile(join(dir, "package.json"), `{ "type": "module" }\n`);
    // The runtime's index (and node.js) are not there: only core.js exists, as in a browser bundle.
    const runtimeUrl = pathToFileURL(join(dir, "runtime/index.js")).href;
    const tsOut = await emitTypeScript(program, { format: false });
    const [tsName, tsCode] = Object.entries(tsOut.files)[0]!;
    await writeFile(join(dir, "model-ts.js"), transpileForLoad(tsCode, runtimeUrl, tsName), "utf8");
    const wasmOut = await emitWasm(program, { declarations: false });
    const [glueName, glueCode] = Object.entries(wasmOut.files)[0]!;
    await writeFile(join(dir, "model-wasm.js"), transpileForLoad(glueCode, runtimeUrl, glueName), "utf8");
    await writeFile(join(dir, "model.wasm"), wasmOut.wasm);

    // The reference: the in-process module (full runtime), seed 3; the child creates with seed 99, so
    // only loadBytes can make its predictions match.
    const Mod = (await loadCompiled(program))[className] as { create(o: { seed: number }): Promise<BytesModel> };
    const reference = await Mod.create({ seed: 3 });
    const weights = reference.saveBytes();
    const batch = randomBatch(model, 5);
    const inputs = Object.fromEntries(model.inputs.map((i) => [i.name, batch[i.name]!]));
    const expected = reference.predict(inputs);
    await writeFile(join(dir, "weights.safetensors"), weights);
    const job = {
      className,
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { i32: v instanceof Int32Array, values: Array.from(v) }])),
      targets: [{ module: "./model-ts.js" }, { module: "./model-wasm.js", wasm: "./model.wasm" }],
    };
    await writeFile(join(dir, "job.json"), JSON.stringify(job));
    await writeFile(join(dir, "hooks.mjs"), HOOKS);
    await writeFile(join(dir, "register.mjs"), REGISTER);
    await writeFile(join(dir, "run.mjs"), HARNESS);

    const { stdout } = await run(process.execPath, ["--import", "./register.mjs", "./run.mjs"], { cwd: dir, maxBuffer: 64 << 20 });
    const got = JSON.parse(stdout) as Record<string, { predictions: Record<string, number[]>; saveError: string; roundTrip: boolean }>;
    for (const target of ["./model-ts.js", "./model-wasm.js"]) {
      const r = got[target]!;
      expect(Object.keys(r.predictions).sort()).toEqual(Object.keys(expected).sort());
      for (const [k, v] of Object.entries(expected)) {
        if (target === "./model-ts.js") expect(r.predictions[k], `${target} ${k}`).toEqual(Array.from(v));
        else expectNormClose(r.predictions[k]!, v, `${target} ${k}`, 1e-4);
      }
      expect(r.roundTrip, `${target}: saveBytes() after loadBytes() gives the same bytes`).toBe(true);
      expect(r.saveError).toMatch(/save\(path\) and load\(path\) need Node\.js .*saveBytes\(\)/);
    }
  }, 180_000);
});
