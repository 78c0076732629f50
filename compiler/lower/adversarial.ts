// Adversarial training (`adversarial fgsm(eps, mix)` in a train block), lowered inside the train step:
//
//   L_clean = the train-mode loss of the batch (the step's first lowering);
//   g       = ∂L_clean/∂x for each f32 field the model reads (reverse mode, appended to the same graph);
//   x_adv   = stop_gradient(x + eps·sign(g))      (the fast gradient sign method, Goodfellow et al. 2015);
//   L_adv   = the loss of a second train-mode lowering of the step that reads x_adv instead of x;
//   loss    = mix·L_clean + (1 − mix)·L_adv       (mix 0.5 is the paper's α).
//
// With `random_start: true` (Wong et al. 2020, "fast is better than free"): the gradient is taken at a
// random point of the eps-ball, x0 = x + U(−eps, eps), and x_adv = clip(x0 + 1.25·eps·sign(∂L(x0)/∂x0),
// x − eps, x + eps): as cheap as FGSM, but without FGSM's blind spot near x. The draw is a random op of
// its own stream (per field, after every call site's), so it is reproducible and the same on both targets.
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
import { lowerGraph, streamOf } from "./graph.js";
import { modelFields } from "./input-gradient.js";

/** Op ids of the random-start draws (one per field): far above any checker op id, so no call site shares them. */
const RANDOM_START_STREAM = 0x7fff0000;

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
  const xs = fields.map((f) => inputOf(f)!);
  const stepOf = (g: Builder) => g.graph.inputs.find((i) => i.name === "step")?.node ?? g.input("step", [], "i32");
  const forward = (g: Builder, inputs: Map<string, NodeId>) => lowerGraph(train.graph, "train", g, {
    seed: train.seed ?? 0,
    param: (t, shape) => g.graph.params.find((p) => p.name === t.name)?.node ?? g.param(t.name, shape),
    input: (v) => inputs.get(v.name) ?? inputOf(v.name)!,
    step: () => stepOf(g),
  });
  // Where the gradient is taken: x itself, or a random point of the eps-ball around it.
  let at = clean;
  let wrt = xs;
  if (adv.randomStart) {
    const starts = new Map<string, NodeId>();
    b.at(train.span, () => fields.forEach((f, i) => {
      const u = b.randomUniform(stepOf(b), b.shape(xs[i]!), streamOf(train.seed ?? 0, RANDOM_START_STREAM + i), 0, 1);
      starts.set(f, b.add(xs[i]!, b.scale(b.sub(b.scale(u, 2), b.scalar(1)), adv.eps)));
    }));
    const shifted = forward(b, starts);
    diagnostics.push(...shifted.diagnostics);
    if (!shifted.ok || train.loss === undefined) return undefined;
    at = shifted.values.get(train.loss)!;
    wrt = fields.map((f) => starts.get(f)!);
  }
  let d: ReturnType<typeof differentiate>;
  try {
    d = differentiate(b.graph, { loss: at, wrt });
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
      const start = wrt[i]!;
      const g = d.gradOf.get(start);
      // A field the loss does not depend on stays as it is.
      if (g === undefined) return void perturbed.set(f, xs[i]!);
      if (!adv.randomStart) return void perturbed.set(f, nb.stopGradient(nb.add(start, nb.scale(nb.unary("sign", g), adv.eps))));
      const moved = nb.add(start, nb.scale(nb.unary("sign", g), 1.25 * adv.eps));
      const x = xs[i]!;
      const inBall = nb.binary("minimum", nb.binary("maximum", moved, nb.sub(x, nb.scalar(adv.eps))), nb.add(x, nb.scalar(adv.eps)));
      perturbed.set(f, nb.stopGradient(inBall));
    });
  });
  const again = forward(nb, perturbed);
  diagnostics.push(...again.diagnostics);
  if (!again.ok || train.loss === undefined) return undefined;
  const lossAdv = again.values.get(train.loss)!;
  const loss = nb.at(train.span, () => (adv.mix === 0 ? lossAdv : nb.add(nb.scale(clean, adv.mix), nb.scale(lossAdv, 1 - adv.mix))));
  return { b: nb, loss };
}
