// Adversarial training (`adversarial fgsm(eps, mix)` in a train block), lowered inside the train step:
//
//   L_clean = the train-mode loss of the batch (the step's first lowering);
//   g       = ∂L_clean/∂x for each f32 field the model reads (reverse mode, appended to the same graph);
//   x_adv   = stop_gradient(x + eps·sign(g))      (the fast gradient sign method, Goodfellow et al. 2015);
//   L_adv   = the loss of a second train-mode lowering of the step that reads x_adv instead of x;
//   loss    = mix·L_clean + (1 − mix)·L_adv       (mix 0.5 is the paper's α).
//
// Everything is ordinary IR: no host loop, no extra copy of the batch, the same fusion and memory plan.
// The perturbation is a constant to the parameter gradient (stop_gradient), as in the paper. The second
// lowering shares the first's parameters, inputs, step counter and random streams (same dropout masks);
// BatchNorm running statistics are updated from the clean batch only (the first lowering's updates).

import { diagnostic } from "../../grammar/diagnostics.js";
import type { Diagnostic } from "../../grammar/source.js";
import { AutodiffError, differentiate } from "../autodiff/grad.js";
import { Builder } from "../ir/builder.js";
import type { NodeId } from "../ir/graph.js";
import type { CheckedTrain } from "../check/types.js";
import { lowerGraph } from "./graph.js";
import { modelFields } from "./input-gradient.js";

export interface AdversarialLoss {
  /** A builder over the graph with the perturbation and the second forward appended. */
  b: Builder;
  /** The loss to minimise (scalar). */
  loss: NodeId;
}

export function adversarialLoss(b: Builder, train: CheckedTrain, clean: NodeId, diagnostics: Diagnostic[]): AdversarialLoss | undefined {
  const adv = train.adversarial;
  if (!adv) return undefined;
  const fields = modelFields(train, b.graph);
  const inputOf = (name: string) => b.graph.inputs.find((i) => i.name === name)?.node;
  const wrt = fields.map((f) => inputOf(f)!);
  let d: ReturnType<typeof differentiate>;
  try {
    d = differentiate(b.graph, { loss: clean, wrt });
  } catch (e) {
    if (e instanceof AutodiffError) {
      diagnostics.push(diagnostic("DLM4001", e.message, e.span ?? train.span));
      return undefined;
    }
    throw e;
  }
  const nb = new Builder(d.graph);
  const perturbed = new Map<string, NodeId>();
  nb.at(train.span, () => {
    fields.forEach((f, i) => {
      const x = wrt[i]!;
      const g = d.gradOf.get(x);
      // A field the loss does not depend on stays as it is.
      perturbed.set(f, g === undefined ? x : nb.stopGradient(nb.add(x, nb.scale(nb.unary("sign", g), adv.eps))));
    });
  });
  const again = lowerGraph(train.graph, "train", nb, {
    seed: train.seed ?? 0,
    param: (t, shape) => nb.graph.params.find((p) => p.name === t.name)?.node ?? nb.param(t.name, shape),
    input: (v) => perturbed.get(v.name) ?? inputOf(v.name)!,
    step: () => nb.graph.inputs.find((i) => i.name === "step")?.node ?? nb.input("step", [], "i32"),
  });
  diagnostics.push(...again.diagnostics);
  if (!again.ok || train.loss === undefined) return undefined;
  const lossAdv = again.values.get(train.loss)!;
  const loss = nb.at(train.span, () => (adv.mix === 0 ? lossAdv : nb.add(nb.scale(clean, adv.mix), nb.scale(lossAdv, 1 - adv.mix))));
  return { b: nb, loss };
}
