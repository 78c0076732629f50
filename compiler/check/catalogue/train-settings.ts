// Train-block vocabulary: the settings a block may hold, optimizers and learning-rate schedules, each
// with PyTorch's defaults (adamw's weight_decay 0.01, adam's betas 0.9/0.999, eps 1e-8).

import type { ArgSpec } from "./spec.js";

export interface SettingSpec {
  name: string;
  summary: string;
  /** Single form only, step form only, or both. */
  form: "single" | "step" | "both";
  /** Why a single-form setting has no place in a step-form block (DLM3015). */
  notInStep?: string;
}

const IN_MINIMIZE = "belongs in the step block here: minimize LOSS over MODEL with OPTIMIZER";

export const settings: readonly SettingSpec[] = [
  { name: "loss", summary: "The scalar f32 loss over model outputs and data fields.", form: "single", notInStep: IN_MINIMIZE },
  { name: "optimizer", summary: "sgd(…), adam(…), adamw(…) or rmsprop(…).", form: "single", notInStep: IN_MINIMIZE },
  { name: "schedule", summary: "Learning-rate schedule: constant, step_decay(every, gamma), cosine(warmup: n), linear_warmup(steps).", form: "both" },
  { name: "batch", summary: "Examples per step (B).", form: "both" },
  { name: "epochs", summary: "Passes over the training part.", form: "both" },
  { name: "metrics", summary: "Scalars reported per epoch: `name: expr` or a metric call (named after its function).", form: "both" },
  {
    name: "validate",
    summary: "every: n epochs on the validation part, and early_stop(patience, monitor, mode: min | max).",
    form: "single",
    // A step block's losses pull against each other (a GAN's): there is no one figure to evaluate.
    notInStep: "needs a train block with one loss; the step form has no evaluation step to run on the validation part",
  },
  { name: "seed", summary: "Seed of weight initialisation, shuffling, dropout and random tensors.", form: "both" },
  { name: "clip", summary: "Clips the global gradient norm to this value.", form: "both" },
  { name: "adversarial", summary: "Adversarial training: fgsm(eps, mix) perturbs the model's inputs inside each step.", form: "both" },
];

export interface CallSpec {
  name: string;
  summary: string;
  args: readonly ArgSpec[];
}

export const optimizers: readonly CallSpec[] = [
  {
    name: "sgd",
    summary: "Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay.",
    args: [
      { name: "lr", kind: "float" },
      { name: "momentum", kind: "float", default: 0 },
      { name: "nesterov", kind: "bool", default: false },
      { name: "weight_decay", kind: "float", default: 0 },
    ],
  },
  {
    name: "adam",
    summary: "Adam (L2 weight decay added to the gradient).",
    args: [
      { name: "lr", kind: "float", default: 1e-3 },
      { name: "beta1", kind: "float", default: 0.9 },
      { name: "beta2", kind: "float", default: 0.999 },
      { name: "eps", kind: "float", default: 1e-8 },
      { name: "weight_decay", kind: "float", default: 0 },
    ],
  },
  {
    name: "adamw",
    summary: "Adam with decoupled weight decay.",
    args: [
      { name: "lr", kind: "float", default: 1e-3 },
      { name: "beta1", kind: "float", default: 0.9 },
      { name: "beta2", kind: "float", default: 0.999 },
      { name: "eps", kind: "float", default: 1e-8 },
      { name: "weight_decay", kind: "float", default: 0.01 },
    ],
  },
  {
    name: "rmsprop",
    summary: "RMSprop.",
    args: [
      { name: "lr", kind: "float", default: 1e-2 },
      { name: "alpha", kind: "float", default: 0.99 },
      { name: "eps", kind: "float", default: 1e-8 },
      { name: "momentum", kind: "float", default: 0 },
      { name: "weight_decay", kind: "float", default: 0 },
    ],
  },
];

export const schedules: readonly CallSpec[] = [
  { name: "constant", summary: "The optimizer's lr throughout.", args: [] },
  {
    // Not `step`: that is the keyword of a step block.
    name: "step_decay",
    summary: "Multiplies lr by gamma every `every` epochs (PyTorch's StepLR).",
    args: [
      { name: "every", kind: "int" },
      { name: "gamma", kind: "float", default: 0.1 },
    ],
  },
  { name: "cosine", summary: "Linear warm-up over `warmup` steps, then cosine decay to 0 by the last step.", args: [{ name: "warmup", kind: "int", default: 0 }] },
  { name: "linear_warmup", summary: "Linear warm-up over `steps` steps, then constant.", args: [{ name: "steps", kind: "int" }] },
];

export const adversarialMethods: readonly CallSpec[] = [
  {
    name: "fgsm",
    summary: "Fast gradient sign method: trains on x + eps·sign(∂loss/∂x); the loss is mix·clean + (1 − mix)·perturbed; random_start takes the gradient at a random point of the eps-ball and steps 1.25·eps.",
    args: [
      { name: "eps", kind: "float" },
      { name: "mix", kind: "float", default: 0.5 },
      { name: "random_start", kind: "bool", default: false },
    ],
  },
];

export const earlyStopArgs: readonly ArgSpec[] = [
  { name: "patience", kind: "int" },
  { name: "monitor", kind: "string", default: "loss" },
  // Absent: the monitored metric's catalogue direction (accuracy max), min for the loss and `name: expr` metrics.
  { name: "mode", kind: "enum", words: ["min", "max"], default: null },
];
