import { describe, expect, it } from "vitest";
import { Builder } from "../../compiler/ir/builder.js";
import { graphFlops } from "../../compiler/ir/flops.js";

describe("graphFlops", () => {
  it("counts a dense layer as 2·B·I·O for the matmul plus one per element for bias and relu", () => {
    const b = new Builder();
    const x = b.input("x", [64, 784], "f32");
    const w = b.param("w", [256, 784]);
    const bias = b.param("b", [256]);
    const y = b.unary("relu", b.add(b.matmul(x, w, { transB: true }), bias));
    b.output("y", y);
    expect(graphFlops(b.graph)).toBe(2 * 64 * 784 * 256 + 64 * 256 + 64 * 256);
  });

  it("counts a convolution and both of its backward ops as the same multiply-adds", () => {
    const b = new Builder();
    const x = b.input("x", [2, 3, 8, 8], "f32");
    const w = b.param("w", [4, 3, 3, 3]);
    const y = b.conv2d(x, w, { pad: 1 });
    const dx = b.conv2dBackwardInput(y, w, [8, 8], { pad: 1 });
    const dw = b.conv2dBackwardWeight(x, y, [3, 3], { pad: 1 });
    b.output("dx", dx);
    b.output("dw", dw);
    expect(graphFlops(b.graph)).toBe(3 * (2 * 2 * 4 * 8 * 8 * 3 * 3 * 3));
  });
});
