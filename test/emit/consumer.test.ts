// A fresh TypeScript project outside the package (test/fixtures/consumer) uses a model compiled by
// `dlm compile examples/cnn.dlm --target ts -o out/`: the generated module type-checks under strict
// settings (noUncheckedIndexedAccess, exactOptionalPropertyTypes, noUnusedLocals) with the repository's
// own tsc, and running it on a checkpoint saved by the in-memory module gives the same predictions.
//
// NEEDS the package build (dist/, `npm run build`): the consumer resolves `dlm/runtime` through the
// package's exports like any user would. The test runs the build itself when dist/runtime is missing or
// older than runtime/ (about 30 s); node_modules/dlm in the fixture is a symlink to this repository
// (what `"dlm": "file:../../.."` installs), made here so no npm install is needed.

import { execFile } from "node:child_process";
import { copyFile, lstat, mkdir, readdir, rm, stat, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compileCommand } from "../../compiler/cli/compile.js";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { REPO, lowerExample } from "./examples.js";

const run = promisify(execFile);
const FIXTURE = join(REPO, "test/fixtures/consumer");
const TSC = join(REPO, "node_modules/.bin/tsc");

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

/** `npm run build` when dist/ is missing or older than the sources these tests use. Other files' type
 * errors do not stop tsc emitting, so the build's exit status is not what decides. */
async function ensureBuilt(): Promise<void> {
  const entries = ["dist/runtime/index.js", "dist/compiler/emit/ts/load.js"].map((e) => join(REPO, e));
  const sources = await Promise.all(["runtime", "compiler"].map((d) => newestMtime(join(REPO, d))));
  const newest = Math.max(...sources);
  const fresh = async (e: string) => existsSync(e) && (await stat(e)).mtimeMs >= newest;
  if ((await Promise.all(entries.map(fresh))).every(Boolean)) return;
  await run(TSC, ["-p", "tsconfig.build.json"], { cwd: REPO }).catch(() => undefined);
  for (const e of entries) if (!existsSync(e)) throw new Error(`npm run build did not produce ${e}`);
}

async function linkPackage(): Promise<void> {
  const link = join(FIXTURE, "node_modules/dlm");
  await mkdir(join(FIXTURE, "node_modules"), { recursive: true });
  const exists = await lstat(link).then(() => true, () => false);
  if (!exists) await symlink(REPO, link, "dir");
}

describe("consumer project", () => {
  it("type-checks the compiled CNN strictly and predicts like the in-memory module", async () => {
    await ensureBuilt();
    await linkPackage();
    const out = join(FIXTURE, "out");
    await rm(out, { recursive: true, force: true });
    let stderr = "";
    const io = { out: () => undefined, err: (t: string) => void (stderr += t), color: false, errIsTty: false };
    expect(await compileCommand([join(REPO, "examples/cnn.dlm"), "--target", "ts", "-o", out], io), stderr).toBe(0);
    await copyFile(join(FIXTURE, "main.ts.txt"), join(out, "main.ts"));

    const tsc = await run(TSC, ["-p", FIXTURE], { cwd: FIXTURE }).then(
      () => "",
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
    );
    expect(tsc).toBe("");

    // The same program in memory: save a checkpoint, predict the consumer's fixed inputs.
    const { program } = lowerExample("cnn");
    const mod = await loadCompiled(program);
    const Cnn = mod["Cnn"] as { create(o: { seed: number }): Promise<{ save(p: string): Promise<void>; predict(i: { image: Float32Array }): { logits: Float32Array } }> };
    const trained = await Cnn.create({ seed: 5 });
    const checkpoint = join(out, "cnn.safetensors");
    await trained.save(checkpoint);
    const image = new Float32Array(3 * 28 * 28);
    for (let i = 0; i < image.length; i++) image[i] = ((i * 7919) % 255) / 255;
    const expected = Array.from(trained.predict({ image }).logits);

    const { stdout } = await run(process.execPath, [join(out, "build/main.js"), checkpoint], { cwd: FIXTURE });
    const result = JSON.parse(stdout) as { batch: number; tensors: number; logits: number[] };
    expect(result.batch).toBe(64);
    expect(result.tensors).toBe(8);
    expect(result.logits).toEqual(expected);
  }, 180_000);

  it("loadCompiled from the build (what `dlm train` runs) links the emitted module to dist/runtime", async () => {
    await ensureBuilt();
    const script = [
      `import { readFileSync } from "node:fs";`,
      `import { frontEnd } from "./dist/compiler/frontend.js";`,
      `import { lowerProgram } from "./dist/compiler/lower/index.js";`,
      `import { loadCompiled, defaultRuntimeUrl } from "./dist/compiler/emit/ts/load.js";`,
      `const text = readFileSync("examples/mlp.dlm", "utf8");`,
      `const { program } = lowerProgram(frontEnd(text, "mlp.dlm").checked, "mlp.dlm", { batch: 4 });`,
      `const mod = await loadCompiled(program);`,
      `const m = await mod.Mlp.create({ seed: 1 });`,
      `const r = m.trainStep({ image: new Float32Array(4 * 784).fill(0.5), label: Int32Array.of(1, 2, 3, 4) });`,
      `console.log(JSON.stringify({ runtime: defaultRuntimeUrl(), loss: r.loss }));`,
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO });
    const out = JSON.parse(stdout) as { runtime: string; loss: number };
    expect(out.runtime).toMatch(/\/dist\/runtime\/index\.js$/);
    expect(out.loss).toBeGreaterThan(0);
    expect(Number.isFinite(out.loss)).toBe(true);
  }, 180_000);
});
