// The typed binaryen wrapper: a node can have one parent, lost nodes are reported, validation errors
// carry the validator's text and the WAT, and a finished module runs.

import { describe, expect, it } from "vitest";
import { SharedNodeError } from "../../compiler/emit/wasm/expr.js";
import { WasmModule, WasmValidationError } from "../../compiler/emit/wasm/module.js";
import { createMemory, loadWasm, loadWasmSync } from "../../compiler/emit/wasm/load.js";

describe("wasm module wrapper", () => {
  it("rejects an expression node given two parents", async () => {
    const mod = await WasmModule.create();
    expect(() =>
      mod.addFunction("f", { params: { x: "i32" }, result: "i32" }, (f, p) => {
        const x = p.x.get();
        return [f.i32.add(x, x)];
      }),
    ).toThrow(SharedNodeError);
    expect(() =>
      mod.addFunction("g", { params: { p: "i32" }, result: "none" }, (f, p) => {
        const v = f.v128.load(p.p.get());
        return [f.v128.store(p.p.get(), v, 0), f.v128.store(p.p.get(), v, 16)];
      }),
    ).toThrow(/used twice/);
  });

  it("reports nodes built but never attached", async () => {
    const mod = await WasmModule.create();
    expect(() =>
      mod.addFunction("f", { params: { p: "i32" }, result: "none" }, (f, p) => {
        f.f32.store(p.p.get(), f.f32.const(1)); // forgotten in the body
        return [f.nop()];
      }),
    ).toThrow(/never used: .*f32\.store/);
  });

  it("checks types the binaryen API would accept silently", async () => {
    const mod = await WasmModule.create();
    expect(() =>
      mod.addFunction("f", { params: {}, result: "f32" }, (f) => {
        const v = f.local("v", "v128");
        return [v.set(f.f32.const(1) as never), f.f32.const(0)];
      }),
    ).toThrow(/f32 value .* assigned to v128 local 'v'/);
    expect(() => mod.addFunction("h", { params: {}, result: "f32" }, (f) => [f.i32.const(1)])).toThrow(/must end with a f32/);
  });

  it("throws a clear validation error with the validator text and the WAT", async () => {
    const mod = await WasmModule.create();
    mod.addFunction("caller", { params: { n: "i32" }, result: "none" }, (f, p) => [f.call("missing_fn", [p.n.get()])]);
    let err: unknown;
    try {
      mod.finish();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WasmValidationError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/does not validate/);
    expect(msg).toMatch(/missing_fn/);
    expect(msg).toMatch(/\(func \$caller/);
    expect(() => mod.finish()).toThrow(/already finished/);
  });

  it("imports JS functions and calls them, with and without results", async () => {
    const mod = await WasmModule.create();
    mod.addFunctionImport("tick");
    mod.addFunctionImport("scale", "env", "scaleBy", ["f32", "i32"], "f32");
    mod.addFunction("run", { params: { x: "f32" }, result: "f32", export: true }, (f, p) => [
      f.call("tick", []),
      f.callValue("scale", [p.x.get(), 3], "f32"),
    ]);
    expect(() => mod.addFunctionImport("tick")).toThrow(/defined twice/);
    const { binary } = mod.finish();
    let ticks = 0;
    const imports = { tick: () => void ticks++, scaleBy: (x: number, k: number) => x * k };
    const { exports } = await loadWasm<{ run(x: number): number }>(binary, ["run"], { imports });
    expect(exports.run(1.5)).toBe(4.5);
    expect(ticks).toBe(1);
    const sync = loadWasmSync<{ run(x: number): number }>(binary, ["run"], { imports });
    expect(sync.exports.run(2)).toBe(6);
    expect(ticks).toBe(2);
  });

  it("imports a shared memory", async () => {
    const mod = await WasmModule.create({ shared: true });
    mod.addFunction("put", { params: { at: "i32", v: "i32" }, result: "none", export: true }, (f, p) => [f.i32.store(p.at.get(), p.v.get())]);
    const { binary, wat } = mod.finish({ wat: true });
    expect(wat).toMatch(/\(memory \$memory 1 65536 shared\)/);
    const memory = createMemory(1, 16, true);
    const { exports } = await loadWasm<{ put(at: number, v: number): void }>(binary, ["put"], { memory });
    exports.put(8, 42);
    expect(new Int32Array(memory.buffer)[2]).toBe(42);
    expect(memory.buffer.constructor.name).toBe("SharedArrayBuffer");
  });

  it("builds, optimizes and runs a SIMD function over the imported memory", async () => {
    const mod = await WasmModule.create();
    // out[i] = relu(x[i]) for n multiple of 4, plus a loop and local names in the WAT
    mod.addFunction("relu4", { params: { x: "i32", out: "i32", n: "i32" }, result: "none", export: true }, (f, p) => {
      const i = f.local("i", "i32");
      return [
        f.forRange(i, 0, () => f.i32.shl(p.n.get(), 2), 16, [
          f.v128.store(f.i32.add(p.out.get(), i.get()), f.f32x4.pmax(f.v128.zero(), f.v128.load(f.i32.add(p.x.get(), i.get())))),
        ]),
      ];
    });
    const { binary, wat } = mod.finish({ optimize: true, wat: true });
    expect(wat).toMatch(/\(import "env" "memory" \(memory/);
    expect(wat).toMatch(/f32x4\.pmax/);
    const memory = createMemory(1);
    const { exports } = await loadWasm<{ relu4(x: number, out: number, n: number): void }>(binary, ["relu4"], { memory });
    const xs = new Float32Array(memory.buffer, 0, 8);
    xs.set([-1, 2, -0.5, 0, 3, -4, 5.5, -6]);
    exports.relu4(0, 64, 8);
    expect([...new Float32Array(memory.buffer, 64, 8)]).toEqual([0, 2, 0, 0, 3, 0, 5.5, 0]);
    await expect(loadWasm<{ nope(): void }>(binary, ["nope"])).rejects.toThrow(/no exported function 'nope'/);
    // the synchronous loader, on the same memory: a second instance sees the first one's output
    const sync = loadWasmSync<{ relu4(x: number, out: number, n: number): void }>(binary, ["relu4"], { memory });
    new Float32Array(memory.buffer, 64, 4).set([-7, 7, -0, 1]);
    sync.exports.relu4(64, 128, 4);
    expect([...new Float32Array(memory.buffer, 128, 4)]).toEqual([0, 7, 0, 1]);
  });
});
