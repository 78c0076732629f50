// Learning-rate schedules: pure math the host runs once per optimizer step, before calling the train
// graph with the resulting `lr` host scalar. Exported so the emitter can generate (or import) the same
// formulas; it belongs in runtime/ eventually (generated code should not import the compiler).
//
// `step` is the 0-based index of the optimizer step about to run, `epoch` the 0-based epoch it is in,
// `total` the number of optimizer steps of the whole run (epochs × steps per epoch).
//   constant              lr
//   step_decay(every, gamma)  lr · gamma^⌊epoch / every⌋                 (every counts epochs, like StepLR)
//   linear_warmup(steps)  lr · min(1, (step + 1) / steps)
//   cosine(warmup)        step < warmup: lr · (step + 1) / warmup;
//                         then lr · ½(1 + cos(π · (step − warmup) / max(1, total − warmup)))  (→ 0 at the end)

import type { ScheduleSpec } from "../program/types.js";

export interface ScheduleClock {
  step: number;
  epoch: number;
  total: number;
}

export function scheduledLr(spec: ScheduleSpec, lr: number, clock: ScheduleClock): number {
  const c = spec.config;
  switch (spec.kind) {
    case "constant":
      return lr;
    case "step_decay": {
      const every = Math.max(1, c["every"] ?? 1);
      return lr * Math.pow(c["gamma"] ?? 0.1, Math.floor(clock.epoch / every));
    }
    case "linear_warmup": {
      const steps = Math.max(1, c["steps"] ?? 1);
      return lr * Math.min(1, (clock.step + 1) / steps);
    }
    case "cosine": {
      const warmup = Math.max(0, c["warmup"] ?? 0);
      if (clock.step < warmup) return (lr * (clock.step + 1)) / warmup;
      const span = Math.max(1, clock.total - warmup);
      const progress = Math.min(1, (clock.step - warmup) / span);
      return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/** Adam's bias correction 1 − β^t for the 1-based step count t (the `bias_correction` host scalar). */
export function biasCorrection(beta: number, t: number): number {
  return 1 - Math.pow(beta, t);
}
