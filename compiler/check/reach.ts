// Which parameters a value of an elaborated graph depends on, walking its ops backwards from the value.
// The checker asks with stop_grad cutting the walk (what a minimize's gradient can reach); lowering asks
// through every op (what the forward value reads, so which parameters must be re-read after an update).

import type { Op, ValueId } from "./types.js";

export function paramsReached(ops: readonly Op[], value: ValueId, options: { cutAtStopGrad: boolean }): Set<string> {
  const producer = new Map<ValueId, number>();
  ops.forEach((op, i) => op.outputs.forEach((o) => producer.set(o.id, i)));
  const seen = new Set<number>();
  const out = new Set<string>();
  const stack = [value];
  while (stack.length > 0) {
    const i = producer.get(stack.pop()!);
    if (i === undefined || seen.has(i)) continue;
    seen.add(i);
    const op = ops[i]!;
    if (options.cutAtStopGrad && op.op === "stop_grad") continue;
    for (const p of Object.values(op.params ?? {})) out.add(p);
    stack.push(...op.inputs);
  }
  return out;
}
