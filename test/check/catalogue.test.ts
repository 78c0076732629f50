// Shape rules of the catalogue: sizes against brute-force counts (how many windows fit), and the type
// each layer and function gives in a small model.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { conv2d, convTranspose2d } from "../../compiler/check/catalogue/layers-conv.js";
import { maxPool } from "../../compiler/check/catalogue/functions-pool.js";
import type { OutType, TypedInput } from "../../compiler/check/catalogue/spec.js";
import { elaborate } from "../../compiler/check/index.js";
import { dimConst, formatShape } from "../../compiler/check/dims.js";
import { checkText } from "./helpers.js";

const input = (shape: number[]): TypedInput => ({ dtype: "f32", shape: shape.map(dimConst), desc: "x" });
const noErr = () => {
  throw new Error("unexpected error");
};

function shapeText(o: OutType | undefined): string {
  if (!o || Array.isArray(o)) throw new Error("expected one tensor");
  return formatShape(o.shape);
}

/** How many window starts fit: the definition of a convolution's output length. */
function windows(size: number, k: number, s: number, p: number, d: number): number {
  let n = 0;
  for (let start = 0; start + d * (k - 1) <= size + 2 * p - 1; start += s) n++;
  return n;
}

describe("sizes against brute force", () => {
  test("Conv2d", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }), (h, k, s, p, d) => {
        const n = windows(h, k, s, p, d);
        fc.pre(n >= 1);
        const r = conv2d.apply({ out: 4, kernel: k, stride: s, pad: p, dilation: d, bias: true }, input([2, 3, h, h]), {}, noErr)!;
        return shapeText(r.out) === `[2, 4, ${n}, ${n}]`;
      }),
    );
  });

  test("ConvTranspose2d inverts the window count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (h, k, s) => {
        const r = convTranspose2d.apply({ out: 2, kernel: k, stride: s, pad: 0, output_pad: 0, dilation: 1, bias: true }, input([1, 3, h, h]), {}, noErr)!;
        const out = Number(shapeText(r.out).split(", ")[2]);
        // The last window of the transposed conv ends exactly at the output's last element.
        return (h - 1) * s + k === out && windows(out, k, s, 0, 1) === h;
      }),
    );
  });

  test("max_pool", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 4 }), (h, k) => {
        fc.pre(h >= k);
        const out = maxPool.infer({ kernel: k, stride: null, pad: 0 }, [input([1, 2, h, h])], noErr);
        return shapeText(out) === `[1, 2, ${windows(h, k, k, 0, 1)}, ${windows(h, k, k, 0, 1)}]`;
      }),
    );
  });

  test("symbolic sizes stay exact and resolve once bound", () => {
    const r = checkText(`model M {
  input  x: f32[B, 3, H, W]
  output y: f32[B, 8, H, W]
  y = x |> Conv2d(8, kernel: 3, stride: 2) |> upsample(2)
}`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "output 'y' is declared f32[B, 8, H, W] but the value bound to it is f32[B, 8, 2*⌊(H - 3) / 2⌋ + 2, 2*⌊(W - 3) / 2⌋ + 2]",
    ]);
    const { model } = elaborate(r.program, "M", {}, { B: 1, H: 32, W: 9 });
    expect(formatShape(model!.ops[0]!.outputs[0]!.shape)).toBe("[1, 8, 15, 4]");
  });
});

/** The type of `expr` over `x: <decl>` in a small model. */
function typeOf(decl: string, expr: string, extra = ""): string {
  const r = checkText(`model M {\n  input x: ${decl}\n${extra}  output y: f32[1]\n  y = ${expr}\n}`);
  // The declared output f32[1] is a placeholder: its own mismatch is not what is tested.
  const errors = r.diagnostics.filter((d) => !d.message.startsWith("output 'y'") && d.severity === "error");
  if (errors.length > 0) return errors.map((d) => d.message).join("; ");
  const ops = r.program.models[0]!.graph.ops;
  const last = ops[ops.length - 1]!;
  return last.outputs.map((o) => `${o.dtype}${formatShape(o.shape)}`).join(", ");
}

describe("types of layers and functions", () => {
  test.each([
    ["f32[B, T, 8]", "x |> RNN(16, return_sequences: false)", "f32[B, 16]"],
    ["f32[B, T, 8]", "x |> LSTM(16, return_state: true)", "f32[B, T, 16], f32[B, 16], f32[B, 16]"],
    ["f32[B, T, 8]", "x |> GRU(4)", "f32[B, T, 4]"],
    ["f32[B, T, 8]", "x |> SelfAttention(2)", "f32[B, T, 8]"],
    ["f32[B, T, 8]", "x |> ClassToken", "f32[B, T + 1, 8]"],
    ["f32[B, 3, 32, 32]", "x |> patches(8)", "f32[B, 16, 192]"],
    ["f32[B, 3, 32, 32]", "x |> global_avg_pool", "f32[B, 3]"],
    ["f32[B, 3, 32, 32]", "x |> permute([0, 2, 3, 1])", "f32[B, 32, 32, 3]"],
    ["f32[B, 3, 32, 32]", "x |> transpose(1, -1)", "f32[B, 32, 32, 3]"],
    ["f32[B, 3, 32, 32]", "x |> mean(axis: [2, 3])", "f32[B, 3]"],
    ["f32[B, 3, 32, 32]", "x |> sum", "f32[]"],
    ["f32[B, 10, 6]", "x |> split(2, axis: 2)", "f32[B, 10, 3], f32[B, 10, 3]"],
    ["f32[B, 10, 6]", "x |> split([1, 5])", "f32[B, 10, 1], f32[B, 10, 5]"],
    ["f32[B, 10, 6]", "x |> slice(2, -1, axis: 1)", "f32[B, 7, 6]"],
    ["f32[B, 10, 6]", "x |> reshape([B, -1])", "f32[B, 60]"],
    ["f32[B, 10, 6]", "matmul(x, transpose(x, 1, 2))", "f32[B, 10, 10]"],
    ["f32[B, 1, 100]", "x |> Conv1d(16, kernel: 5, pad: same)", "f32[B, 16, 100]"],
    ["f32[B, 1, 100]", "x |> avg_pool(4)", "f32[B, 1, 25]"],
    ["i32[B, T]", "x |> Embedding(10, 3) |> Dense(2, bias: false)", "f32[B, T, 2]"],
    ["f32[B, 10]", "mse(x, x, reduce: none)", "f32[B]"],
    ["f32[B, 10]", "cross_entropy(x, softmax(x))", "f32[]"],
    ["f32[B, 10]", "x * 2 - 1", "f32[B, 10]"],
    ["f32[B, 10]", "x + normal([B, 1])", "f32[B, 10]"],
  ])("%s: %s", (decl, expr, want) => {
    expect(typeOf(decl, expr)).toBe(want);
  });

  test.each([
    ["f32[B, 10, 6]", "x |> split(4, axis: 2)", "split: axis 2 of f32[B, 10, 6] does not divide into 4 equal parts"],
    ["f32[B, 10, 6]", "x |> take(10, axis: 1)", "take: index 10 is out of range for axis 1 of f32[B, 10, 6]"],
    ["f32[B, 10, 6]", "x |> SelfAttention(4)", "SelfAttention: the feature size 6 does not divide into 4 heads"],
    ["f32[B, 10, 6]", "x |> permute([0, 1])", "permute: [0, 1] is not a permutation of the 3 axes of f32[B, 10, 6]"],
    ["f32[B, 10, 6]", "matmul(x, x)", "matmul: f32[B, 10, 6] × f32[B, 10, 6]: inner sizes differ (6 vs 10)"],
    ["f32[B, 4]", "x |> LSTM(3)", "model input 'x' is declared f32[B, 4] but LSTM expects 3 dims [batch, time, features]"],
    ["f32[B, 3, 8, 8]", "x |> Conv2d(4, kernel: 9)", "model input 'x' is declared f32[B, 3, 8, 8] but Conv2d with kernel 9 leaves no output on axis 2 (size 0)"],
    ["i32[B, 4]", "x |> relu", "model input 'x' is declared i32[B, 4] but relu needs f32"],
    ["f32[B, 10]", "cross_entropy(x, x |> Dense(3))", "cross_entropy: the target must be i32 class ids or f32 probabilities shaped like the logits f32[B, 10], but 'target' is f32[B, 3]"],
  ])("%s: %s is an error", (decl, expr, want) => {
    expect(typeOf(decl, expr)).toBe(want);
  });
});
