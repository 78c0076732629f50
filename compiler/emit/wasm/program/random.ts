// random_uniform(0, 1) in Wasm, bit for bit the TS target's `uniformAt` (compiler/emit/ts/helpers.ts):
// bits = fmix32(fmix32(fmix32(stream ^ 0x9e3779b9) ^ step) ^ i), u = (bits >>> 8)/2^24 + 2^-25. The
// first hash is a compile-time constant, the second one per call; u is (2·(bits >>> 8) + 1)·2^-25, whose
// one rounding to f32 (i32 → f32 conversion, then an exact power-of-two scale) is the rounding the TS
// target's float64 value gets when stored. Other ranges (low + (high − low)·u) would round twice, so
// they stay JS thunks.

import type { Expr, I32 } from "../expr.js";
import type { FunctionBuilder } from "../func.js";
import type { WasmModule } from "../module.js";

// The host-side finaliser (for the compile-time first hash) is the reference's: one definition of it.
export { fmix32 } from "../../../ir/reference/random.js";

function fmix32Wasm(f: FunctionBuilder, h: () => Expr<"i32">, set: (v: Expr<"i32">) => ReturnType<FunctionBuilder["nop"]>): ReturnType<FunctionBuilder["nop"]>[] {
  const { i32 } = f;
  return [
    set(i32.xor(h(), i32.shrU(h(), 16))),
    set(i32.mul(h(), 0x85ebca6b | 0)),
    set(i32.xor(h(), i32.shrU(h(), 13))),
    set(i32.mul(h(), 0xc2b2ae35 | 0)),
    set(i32.xor(h(), i32.shrU(h(), 16))),
  ];
}

/** (y, count, stepPtr, h0): y[i] = uniformAt(stream, step, i) with h0 = fmix32(stream ^ 0x9e3779b9). */
export function addUniform(mod: WasmModule, name: string): void {
  const params = { y: "i32", count: "i32", stepPtr: "i32", h0: "i32" } as const;
  mod.addFunction(name, { params, result: "none" }, (f, p) => {
    const { i32 } = f;
    const s = f.local("s", "i32");
    const h = f.local("h", "i32");
    const i = f.local("i", "i32");
    const at = (x: I32): Expr<"i32"> => i32.add(p.y.get(), i32.shl(x, 2));
    return [
      s.set(i32.xor(p.h0.get(), i32.load(p.stepPtr.get()))),
      ...fmix32Wasm(f, () => s.get(), (v) => s.set(v)),
      f.forRange(i, 0, () => p.count.get(), 1, [
        h.set(i32.xor(s.get(), i.get())),
        ...fmix32Wasm(f, () => h.get(), (v) => h.set(v)),
        f.f32.store(at(i.get()), f.f32.mul(f.f32.fromI32(i32.add(i32.shl(i32.shrU(h.get(), 8), 1), 1)), f.f32.const(2 ** -25))),
      ]),
    ];
  });
}
