// Small graphs the IR tests share, with spans into a pretend mlp.dlm so printing shows positions.

import type { Graph } from "../../compiler/ir/graph.js";
import { Builder } from "../../compiler/ir/builder.js";
import { sourceFile, spanAt } from "../../grammar/source.js";

export const mlpSource = sourceFile(
  "mlp.dlm",
  "model Mlp {\n  input image: f32[B, 4]\n  output logits: f32[B, 3]\n  hidden = Dense(5)\n  logits = image |> hidden |> relu |> Dense(3)\n}\n",
);

const at = (text: string) => {
  const start = mlpSource.text.indexOf(text);
  return spanAt(mlpSource, start, start + text.length);
};

/** A two-layer perceptron with batch 2 and a softmax cross-entropy loss, built as lowering would. */
export function buildMlp(): { graph: Graph; loss: number; params: number[] } {
  const b = new Builder();
  const image = b.at(at("image: f32[B, 4]"), () => b.input("image", [2, 4]));
  const label = b.input("label", [2], "i32");
  const [w1, b1, w2, b2] = b.at(at("Dense(5)"), () => [
    b.param("hidden.w", [5, 4], { kind: "uniform", low: -0.5, high: 0.5 }),
    b.param("hidden.b", [5], { kind: "zeros" }),
    b.param("dense.w", [3, 5], { kind: "normal", mean: 0, std: 0.1 }),
    b.param("dense.b", [3], { kind: "const", values: [0.1, 0, -0.1] }),
  ]) as [number, number, number, number];
  const h = b.at(at("hidden"), () => b.add(b.matmul(image, w1, { transB: true }), b1));
  const r = b.at(at("relu"), () => b.unary("relu", h));
  const logits = b.at(at("Dense(3)"), () => b.add(b.matmul(r, w2, { transB: true }), b2));
  b.graph.nodes[logits]!.name = "logits";
  const loss = b.at(at("logits = image"), () => b.neg(b.mean(b.takeAlongAxis(b.logSoftmax(logits, -1), label, -1, -100))));
  b.output("logits", logits);
  b.output("loss", loss);
  return { graph: b.graph, loss, params: [w1, b1, w2, b2] };
}
