// The glue module the Wasm target writes: type-checks under strict settings against the runtime (the
// same check as the TS target's consumer test), declares which ops run as JS thunks, and `emitWasm`
// gives a valid Wasm binary that exports one run function per step.

import { describe, expect, it } from "vitest";
import { lowerExample } from "../emit/examples.js";
import { typeErrors } from "../emit/harness.js";
import { emitWasm } from "../../compiler/emit/wasm/program/index.js";

interface WasmReflect {
  Module: { new (bytes: Uint8Array): object; exports(m: object): Array<{ name: string }>; imports(m: object): Array<{ name: string; kind: string }> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmReflect }).WebAssembly;

describe.each(["mlp", "cnn"])("%s glue", (name) => {
  it("type-checks, names its thunks, exports one function per step", async () => {
    const { program, text } = lowerExample(name);
    const out = await emitWasm(program, { sources: { [`${name}.dlm`]: text } });
    const glue = out.files[`${name}.ts`]!;
    // The harness's files sit outside any package.json with "type": "module", so TS takes them for
    // CommonJS; the glue is an ES module by design (import.meta.url, top-level await).
    const esmOnly = /import\.meta|Top-level 'await'/;
    expect(typeErrors(out.files).filter((e) => !esmOnly.test(e))).toEqual([]);
    expect(glue).toContain(`new URL("./${name}.wasm", import.meta.url)`);
    const dts = out.files[`${name}.d.ts`]!;
    expect(dts).toMatch(new RegExp(`export declare class ${program.models[0]!.name}\\b`));
    expect(dts).toMatch(/static create\(options\?: \{\s*seed\?: number; wasm\?: [^}]+\}\): Promise</);
    expect(dts).toMatch(/export declare function compileWasm\(source\?: /);
    expect(glue).toMatch(/JS thunks/);
    const model = program.models[0]!;
    const mod = new WA.Module(out.wasm);
    const exported = WA.Module.exports(mod).map((e) => e.name);
    for (const step of ["predict", "evaluate", "train"] as const) {
      if (model[step]) expect(exported).toContain(`m0_run_${step}`);
    }
    // every thunk the module imports is a method the glue defines
    const imported = WA.Module.imports(mod).filter((i) => i.kind === "function").map((i) => i.name);
    for (const t of imported) expect(glue).toContain(`private ${t}(): void {`);
    expect(out.stats[model.name]!.train!.native["matmul"]).toBeGreaterThan(0);
  }, 120_000);
});
