// Input validation for predict: sizes, kinds and element checks, with messages naming the input.

import { describe, expect, it } from "vitest";
import { InputError, checkInput, copyInput } from "../../runtime/tensor-io.js";

describe("checkInput / copyInput", () => {
  it("accepts arrays and typed arrays of the right size and copies them", () => {
    const dst = new Float32Array(6);
    copyInput("image", [1, 2, 3, 4, 5, 6], dst, [2, 3]);
    expect(Array.from(dst)).toEqual([1, 2, 3, 4, 5, 6]);
    copyInput("image", new Float64Array([6, 5, 4, 3, 2, 1]), dst, [2, 3]);
    expect(Array.from(dst)).toEqual([6, 5, 4, 3, 2, 1]);
    const ids = new Int32Array(3);
    copyInput("tokens", [4, 0, 9], ids, [3]);
    expect(Array.from(ids)).toEqual([4, 0, 9]);
    expect(checkInput("x", new Uint8Array(4), "f32", [4]).length).toBe(4);
  });

  it("names the input, the expected shape and both sizes", () => {
    expect(() => copyInput("image", new Float32Array(783), new Float32Array(784), [1, 28, 28])).toThrow(
      /^input "image": expected 784 values \(f32\[1, 28, 28\]\), got 783$/,
    );
    expect(() => checkInput("image", "pixels", "f32", [2])).toThrow(/expected an array or typed array of 2 numbers .* got string/);
    expect(() => checkInput("image", { length: 2 }, "f32", [2])).toThrow(InputError);
    expect(() => copyInput("x", [1, "2"], new Float32Array(2), [2])).toThrow(/element 1 is string, not a number/);
    expect(() => copyInput("tokens", [1, 2.5], new Int32Array(2), [2])).toThrow(/element 1 is 2.5, not a 32-bit integer/);
    expect(() => copyInput("tokens", new Float32Array([1, 2 ** 40]), new Int32Array(2), [2])).toThrow(/not a 32-bit integer/);
  });
});
