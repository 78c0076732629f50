// The glue's loader outside Node's file system: the module is imported from a directory that has no
// .wasm file, so a model can only be made from code passed in: bytes (Uint8Array, ArrayBuffer), a fetch()
// Response (compiled while it streams), a URL fetched with a stubbed fetch(), or a compiled
// WebAssembly.Module. Every way gives the same model (same seed → same predictions); without a source,
// create() fails with the missing file, as it would in a browser without the file.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";
import { defaultRuntimeUrl, transpileForLoad } from "../../compiler/emit/ts/load.js";
import type { LoadedModel } from "../emit/harness.js";
import { randomBatch } from "./helpers.js";

interface WasmStatic {
  Module: new (bytes: Uint8Array) => object;
}
const WA = (globalThis as unknown as { WebAssembly: WasmStatic }).WebAssembly;

let dir = "";
let glue: Record<string, unknown> = {};
let bytes: Uint8Array = new Uint8Array();
let Model: { create(options?: { seed?: number; wasm?: unknown }): Promise<LoadedModel> };
const { program } = lowerExample("mlp", 4);
const model = program.models[0]!;

beforeAll(async () => {
  const out = await emitWasm(program, { declarations: false });
  const [name, source] = Object.entries(out.files)[0]!;
  bytes = out.wasm;
  dir = await mkdtemp(join(tmpdir(), "dlm-loader-"));
  const path = join(dir, name.replace(/\.ts$/, ".mjs"));
  await writeFile(path, transpileForLoad(source, defaultRuntimeUrl(), name), "utf8"); // no .wasm beside it
  glue = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  Model = glue["Mlp"] as typeof Model;
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function predictionsOf(wasm: unknown): Promise<Float32Array> {
  const m = await Model.create({ seed: 3, wasm });
  const batch = randomBatch(model, 5);
  return Float32Array.from(m.predict({ image: batch["image"]! } as never).logits as Float32Array);
}

it("makes the same model from bytes, an ArrayBuffer, a Response, a fetched URL and a compiled module", async () => {
  const reference = await predictionsOf(bytes);
  expect(reference.length).toBe(4 * 10);
  expect(reference.some((v) => v !== 0)).toBe(true);
  const copy = bytes.slice();
  expect(await predictionsOf(copy.buffer)).toEqual(reference);
  expect(await predictionsOf(new Response(bytes, { headers: { "content-type": "application/wasm" } }))).toEqual(reference);
  expect(await predictionsOf(Promise.resolve(new Response(bytes)))).toEqual(reference);
  expect(await predictionsOf(new WA.Module(bytes))).toEqual(reference);
  const compiled = await (glue["compileWasm"] as (s: unknown) => Promise<object>)(bytes);
  expect(await predictionsOf(compiled)).toEqual(reference);

  const realFetch = globalThis.fetch;
  const asked: string[] = [];
  globalThis.fetch = (async (url: URL | string) => {
    asked.push(String(url));
    return new Response(bytes, { headers: { "content-type": "application/wasm" } });
  }) as typeof fetch;
  try {
    expect(await predictionsOf("https://models.example/mlp.wasm")).toEqual(reference);
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(asked).toEqual(["https://models.example/mlp.wasm"]);
}, 120_000);

it("without a source, create() reads the .wasm next to the module (absent here)", async () => {
  await expect(Model.create({ seed: 3 })).rejects.toThrow(/ENOENT|no such file/);
  await expect(Model.create({ seed: 3, wasm: { not: "wasm" } })).rejects.toThrow(/compileWasm: expected/);
});
