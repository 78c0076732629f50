// Golden WAT of one fused loop, unoptimized so the generator's structure (named locals, the vector
// body, the splat tail) is what a reviewer reads in the diff. `npx vitest run test/emit-wasm -u`
// accepts a change; the numeric tests beside this one say whether the change is right.

import { expect, it } from "vitest";
import { WasmModule } from "../../compiler/emit/wasm/module.js";
import { addElementwise } from "../../compiler/emit/wasm/kernels/elementwise.js";

it("relu(x·a + b) with a scalar a and a bias row b", async () => {
  const mod = await WasmModule.create();
  addElementwise(mod, {
    name: "relu_affine",
    inputs: ["full", "scalar", "row"],
    expr: { op: "relu", x: { op: "add", a: { op: "mul", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } }, b: { op: "input", index: 2 } } },
  });
  const { wat } = mod.finish({ optimize: false, wat: true });
  await expect(wat).toMatchFileSnapshot("golden/relu-affine.wat");
});
