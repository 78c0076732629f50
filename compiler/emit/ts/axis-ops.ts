// Ops along one axis: softmax, log_softmax, their backward ops, take_along_axis and scatter_along_axis.
// Along the last axis they are runtime kernel calls over [rows, cols]; along another axis (per-pixel
// class scores [N, C, H, W] reduced over C) they become a plain loop nest over [outer, n, inner], written
// out here with the same formulas as the kernels (max-shifted exponentials, ignore index, label checks).

import type { Node } from "../../ir/graph.js";
import { sizeOf } from "../../ir/shapes.js";
import type { StepEmitter } from "./op-code.js";
import { EmitError, numberLiteral } from "./op-code.js";

type AxisOp = "softmax" | "log_softmax" | "softmax_backward" | "log_softmax_backward" | "take_along_axis" | "scatter_along_axis";

export function isAxisOp(op: string): op is AxisOp {
  return ["softmax", "log_softmax", "softmax_backward", "log_softmax_backward", "take_along_axis", "scatter_along_axis"].includes(op);
}

const KERNEL: Record<AxisOp, string> = {
  softmax: "softmax",
  log_softmax: "logSoftmax",
  softmax_backward: "softmaxBackward",
  log_softmax_backward: "logSoftmaxBackward",
  take_along_axis: "takeAlongLastAxis",
  scatter_along_axis: "scatterAlongLastAxis",
};

/** Element (o, k, q) of an [outer, n, inner] view. */
const at = (n: number, inner: number, k: string) => (inner === 1 ? `o * ${n} + ${k}` : `(o * ${n} + ${k}) * ${inner} + q`);

export function emitAxisOp(node: Node, s: StepEmitter): string[] {
  const n = node as Extract<Node, { op: AxisOp }>;
  const full = n.op === "take_along_axis" ? s.node(n.inputs[0]!).shape : n.shape;
  const axis = n.attrs.axis;
  const len = full[axis]!;
  const outer = sizeOf(full.slice(0, axis));
  const inner = sizeOf(full.slice(axis + 1));
  const x = (i: number) => s.arr(n.inputs[i]!);
  const y = s.arr(n.id);
  const ignore = "ignore" in n.attrs ? n.attrs.ignore : null;
  // NaN never equals an index, so "no ignore value" checks every label.
  const ignoreText = ignore === null ? "NaN" : numberLiteral(ignore);

  if (inner === 1) {
    const fn = s.mod.use(KERNEL[n.op]);
    switch (n.op) {
      case "softmax":
      case "log_softmax":
        return [`${fn}(${x(0)}, ${y}, ${outer}, ${len});`];
      case "softmax_backward":
      case "log_softmax_backward":
        return [`${fn}(${x(0)}, ${x(1)}, ${y}, ${outer}, ${len});`];
      case "take_along_axis":
        return [`${fn}(${x(0)}, ${x(1)}, ${y}, ${outer}, ${len}, ${ignoreText});`];
      case "scatter_along_axis":
        return [`${fn}(${x(0)}, ${x(1)}, ${y}, ${outer}, ${len}, ${ignoreText}, false);`];
    }
  }

  const loop = (body: string) =>
    `{\nconst y = ${y}, a = ${x(0)}${n.inputs.length > 1 ? `, b = ${x(1)}` : ""};\nfor (let o = 0; o < ${outer}; o++) {\nfor (let q = 0; q < ${inner}; q++) {\n${body}\n}\n}\n}`;
  const idx = (k: string) => at(len, inner, k);
  const row = (k: string) => (inner === 1 ? "o" : `o * ${inner} + ${k}`);
  switch (n.op) {
    case "softmax":
    case "log_softmax": {
      const write = n.op === "softmax"
        ? `for (let k = 0; k < ${len}; k++) y[${idx("k")}] = Math.exp(a[${idx("k")}]! - max) / sum;`
        : `const logSum = Math.log(sum);\nfor (let k = 0; k < ${len}; k++) y[${idx("k")}] = a[${idx("k")}]! - max - logSum;`;
      return [loop([
        `let max = -Infinity;`,
        `for (let k = 0; k < ${len}; k++) max = Math.max(max, a[${idx("k")}]!);`,
        `let sum = 0;`,
        `for (let k = 0; k < ${len}; k++) sum += Math.exp(a[${idx("k")}]! - max);`,
        write,
      ].join("\n"))];
    }
    case "softmax_backward":
      // dx = y ⊙ (dy − Σ dy ⊙ y)
      return [loop([
        `let dot = 0;`,
        `for (let k = 0; k < ${len}; k++) dot += a[${idx("k")}]! * b[${idx("k")}]!;`,
        `for (let k = 0; k < ${len}; k++) y[${idx("k")}] = a[${idx("k")}]! * (b[${idx("k")}]! - dot);`,
      ].join("\n"))];
    case "log_softmax_backward":
      // dx = dy − exp(y) · Σ dy
      return [loop([
        `let sum = 0;`,
        `for (let k = 0; k < ${len}; k++) sum += b[${idx("k")}]!;`,
        `for (let k = 0; k < ${len}; k++) y[${idx("k")}] = b[${idx("k")}]! - Math.exp(a[${idx("k")}]!) * sum;`,
      ].join("\n"))];
    case "take_along_axis":
      return [loop([
        `const label = b[${row("q")}]!;`,
        ...(ignore === null ? [] : [`if (label === ${ignoreText}) {\ny[${row("q")}] = 0;\ncontinue;\n}`]),
        `if (label < 0 || label >= ${len}) throw new RangeError(\`take_along_axis: label \${label} at position \${${row("q")}} is outside 0..${len - 1}\`);`,
        `y[${row("q")}] = a[${idx("label")}]!;`,
      ].join("\n"))];
    case "scatter_along_axis":
      return [`${y}.fill(0);`, loop([
        `const label = b[${row("q")}]!;`,
        ...(ignore === null ? [] : [`if (label === ${ignoreText}) continue;`]),
        `if (label < 0 || label >= ${len}) throw new RangeError(\`scatter_along_axis: label \${label} at position \${${row("q")}} is outside 0..${len - 1}\`);`,
        `y[${idx("label")}] = y[${idx("label")}]! + a[${row("q")}]!;`,
      ].join("\n"))];
  }
  throw new EmitError(`${String((n as Node).op)} is not an axis op`);
}
