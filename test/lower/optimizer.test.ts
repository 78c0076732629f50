// Optimizer updates from the IR, iterated on a tiny quadratic, against hand-written PyTorch-style updates;
// global-norm clipping against a hand computation; the schedule formulas.

import { describe, expect, it } from "vitest";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph, type NodeId } from "../../compiler/ir/graph.js";
import { biasCorrection, clipByGlobalNorm, momentsOf, scheduledLr, updateParam } from "../../compiler/lower/index.js";
import type { OptimizerSpec } from "../../compiler/program/types.js";
import { expectClose, run } from "./helpers.js";

const A = [1, 3, 0.5];
const C = [0.5, -1, 2];
const P0 = [0.2, 0.7, -0.4];
const gradOf = (p: number[]) => p.map((v, i) => A[i]! * (v - C[i]!));

/** Runs `steps` optimizer steps through the IR, feeding the updated state back each time. */
function irSteps(opt: OptimizerSpec, steps: number, lr: number): number[] {
  const b = new Builder(emptyGraph());
  const p = b.param("p", [3]);
  const g = b.mul(b.const(A, [3]), b.sub(p, b.const(C, [3])));
  const lrNode = b.input("lr", []);
  const bc1 = b.input("bc1", []);
  const bc2 = b.input("bc2", []);
  const moments = new Map<string, NodeId>();
  const u = updateParam(b, opt, p, g, { lr: lrNode, bc1, bc2 }, (s) => {
    const id = b.param(s, [3]);
    moments.set(s, id);
    return id;
  });
  b.output("p", u.param);
  for (const m of u.moments) b.output(m.suffix, m.node);
  expect(u.moments.map((m) => m.suffix).sort()).toEqual([...momentsOf(opt)].sort());
  let state: Record<string, number[]> = { p: [...P0] };
  for (const s of moments.keys()) state[s] = [0, 0, 0];
  const c = opt.config;
  for (let t = 1; t <= steps; t++) {
    const out = run(b.graph, { lr: [lr], bc1: [biasCorrection(Number(c["beta1"] ?? 0.9), t)], bc2: [biasCorrection(Number(c["beta2"] ?? 0.999), t)] }, state);
    state = { ...state, ...out };
  }
  return state["p"]!;
}

/** torch.optim.SGD.step, written out. */
function sgdRef(lr: number, mu: number, nesterov: boolean, wd: number, steps: number): number[] {
  let p = [...P0];
  let buf: number[] | undefined;
  for (let t = 0; t < steps; t++) {
    const g = gradOf(p).map((gi, i) => gi + wd * p[i]!);
    let d = g;
    if (mu !== 0) {
      buf = buf === undefined ? [...g] : buf.map((bi, i) => mu * bi + g[i]!);
      d = nesterov ? g.map((gi, i) => gi + mu * buf![i]!) : buf;
    }
    p = p.map((v, i) => v - lr * d[i]!);
  }
  return p;
}

/** torch.optim.Adam / AdamW step, written out. */
function adamRef(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, steps: number): number[] {
  let p = [...P0];
  let m = [0, 0, 0];
  let v = [0, 0, 0];
  for (let t = 1; t <= steps; t++) {
    // The gradient is taken at the parameters before the step (it sits in .grad when step() runs).
    const g = gradOf(p).map((gi, i) => (decoupled ? gi : gi + wd * p[i]!));
    if (decoupled) p = p.map((x) => x * (1 - lr * wd));
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! * g[i]!);
    const stepSize = lr / (1 - b1 ** t);
    const denom = v.map((vi) => Math.sqrt(vi) / Math.sqrt(1 - b2 ** t) + eps);
    p = p.map((x, i) => x - stepSize * (m[i]! / denom[i]!));
  }
  return p;
}

/** torch.optim.RMSprop step, written out. */
function rmspropRef(lr: number, alpha: number, eps: number, mu: number, wd: number, steps: number): number[] {
  let p = [...P0];
  let sq = [0, 0, 0];
  let buf = [0, 0, 0];
  for (let t = 0; t < steps; t++) {
    const g = gradOf(p).map((gi, i) => gi + wd * p[i]!);
    sq = sq.map((s, i) => alpha * s + (1 - alpha) * g[i]! * g[i]!);
    const avg = sq.map((s) => Math.sqrt(s) + eps);
    if (mu > 0) {
      buf = buf.map((bi, i) => mu * bi + g[i]! / avg[i]!);
      p = p.map((x, i) => x - lr * buf[i]!);
    } else p = p.map((x, i) => x - (lr * g[i]!) / avg[i]!);
  }
  return p;
}

describe("optimizers on a quadratic, 5 steps", () => {
  it("sgd plain, with weight decay", () => {
    expectClose(irSteps({ kind: "sgd", lr: 0.1, config: { lr: 0.1, weight_decay: 0.05 } }, 5, 0.1), sgdRef(0.1, 0, false, 0.05, 5), 1e-12);
  });
  it("sgd momentum", () => {
    expectClose(irSteps({ kind: "sgd", lr: 0.1, config: { momentum: 0.9 } }, 5, 0.1), sgdRef(0.1, 0.9, false, 0, 5), 1e-12);
  });
  it("sgd Nesterov with weight decay", () => {
    expectClose(irSteps({ kind: "sgd", lr: 0.1, config: { momentum: 0.8, nesterov: true, weight_decay: 0.01 } }, 5, 0.1), sgdRef(0.1, 0.8, true, 0.01, 5), 1e-12);
  });
  it("adam with L2 weight decay", () => {
    const c = { beta1: 0.8, beta2: 0.99, eps: 1e-8, weight_decay: 0.1 };
    expectClose(irSteps({ kind: "adam", lr: 0.05, config: c }, 5, 0.05), adamRef(0.05, 0.8, 0.99, 1e-8, 0.1, false, 5), 1e-12);
  });
  it("adamw decoupled decay", () => {
    const c = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1 };
    expectClose(irSteps({ kind: "adamw", lr: 0.05, config: c }, 5, 0.05), adamRef(0.05, 0.9, 0.999, 1e-8, 0.1, true, 5), 1e-12);
  });
  it("adam and adamw differ when weight decay is on", () => {
    const c = { weight_decay: 0.5 };
    const a = irSteps({ kind: "adam", lr: 0.05, config: c }, 3, 0.05);
    const w = irSteps({ kind: "adamw", lr: 0.05, config: c }, 3, 0.05);
    expect(Math.abs(a[0]! - w[0]!)).toBeGreaterThan(1e-6);
  });
  it("rmsprop without and with momentum", () => {
    expectClose(irSteps({ kind: "rmsprop", lr: 0.01, config: { alpha: 0.9, eps: 1e-8, weight_decay: 0.02 } }, 5, 0.01), rmspropRef(0.01, 0.9, 1e-8, 0, 0.02, 5), 1e-12);
    expectClose(irSteps({ kind: "rmsprop", lr: 0.01, config: { alpha: 0.99, momentum: 0.5 } }, 5, 0.01), rmspropRef(0.01, 0.99, 1e-8, 0.5, 0, 5), 1e-12);
  });
});

describe("clipping", () => {
  const grads = [[3, 4], [12]];
  function clipped(maxNorm: number): number[][] {
    const b = new Builder(emptyGraph());
    const ids = grads.map((g, i) => b.input(`g${i}`, [g.length]));
    clipByGlobalNorm(b, ids, maxNorm).forEach((id, i) => b.output(`c${i}`, id));
    const out = run(b.graph, { g0: grads[0]!, g1: grads[1]! });
    return [out["c0"]!, out["c1"]!];
  }
  it("scales every gradient by max_norm / (‖g‖ + 1e-6) when the norm is larger", () => {
    const norm = Math.sqrt(9 + 16 + 144); // 13
    const k = 1.3 / (norm + 1e-6);
    const [a, c] = clipped(1.3);
    expectClose(a!, [3 * k, 4 * k], 1e-12);
    expectClose(c!, [12 * k], 1e-12);
  });
  it("leaves gradients alone below the threshold", () => {
    expect(clipped(100)).toEqual(grads);
  });
});

describe("schedules", () => {
  const clock = (step: number, epoch = 0, total = 100) => ({ step, epoch, total });
  it("constant", () => expect(scheduledLr({ kind: "constant", config: {} }, 0.1, clock(50))).toBe(0.1));
  it("step_decay decays by gamma every `every` epochs", () => {
    const s = { kind: "step_decay" as const, config: { every: 2, gamma: 0.5 } };
    expect([0, 1, 2, 3, 4].map((e) => scheduledLr(s, 1, clock(0, e)))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
  it("linear_warmup ramps over `steps` then holds", () => {
    const s = { kind: "linear_warmup" as const, config: { steps: 4 } };
    expect([0, 1, 3, 10].map((t) => scheduledLr(s, 2, clock(t)))).toEqual([0.5, 1, 2, 2]);
  });
  it("cosine warms up linearly, then decays to 0 at the last step", () => {
    const s = { kind: "cosine" as const, config: { warmup: 10 } };
    expect(scheduledLr(s, 1, clock(4))).toBeCloseTo(0.5, 12);
    expect(scheduledLr(s, 1, clock(10))).toBeCloseTo(1, 12);
    expect(scheduledLr(s, 1, clock(55))).toBeCloseTo(0.5, 12);
    expect(scheduledLr(s, 1, clock(100))).toBeCloseTo(0, 12);
  });
});
