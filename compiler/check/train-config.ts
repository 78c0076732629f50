// Constant settings of train blocks: numbers (batch, epochs, seed, clip), optimizer and schedule calls,
// validate. Expression settings (loss, metrics) are evaluated in train.ts over the step's dataflow.

import type { Expr, Setting } from "../../grammar/ast.js";
import { bindArgs, evalConst } from "./args.js";
import type { ArgKind } from "./catalogue/spec.js";
import { adversarialMethods, earlyStopArgs, optimizers, schedules, type CallSpec } from "./catalogue/train-settings.js";
import { didYouMean } from "./resolve.js";
import type { Span } from "../../grammar/source.js";
import type { CallConfig, CheckedTrain, Config, EarlyStop } from "./types.js";
import type { Ctx } from "./values.js";

/** `batch 64`: exactly one positional constant of the given kind, with a lower bound. */
export function numberSetting(ctx: Ctx, s: Setting, kind: ArgKind, min: number, strictlyAbove = false): number | undefined {
  const key = s.key.name;
  if (s.args.length !== 1 || s.args[0]!.name) {
    ctx.sink.report("DLM3009", `${key} takes one value, e.g. ${key} ${kind === "int" ? "10" : "1.0"}`, s.span);
    return undefined;
  }
  const v = evalConst(ctx, key, key, kind, undefined, s.args[0]!.value);
  if (typeof v !== "number") return undefined;
  if (v < min || (strictlyAbove && v === min)) {
    ctx.sink.report("DLM3009", `${key} must be ${strictlyAbove ? "above" : "at least"} ${min}, got ${v}`, s.args[0]!.value.span);
    return undefined;
  }
  return v;
}

/** `adam(lr: 1e-3)` or `cosine(warmup: 200)` or a bare name, against a list of call specs. */
export function callSetting(ctx: Ctx, e: Expr, specs: readonly CallSpec[], what: string): CallConfig | undefined {
  if (e.kind === "ErrorExpr") return undefined;
  const callee = e.kind === "Call" ? e.callee : e.kind === "Name" ? e : undefined;
  if (!callee) {
    ctx.sink.report("DLM3009", `expected ${what} such as ${specs[0]!.name}(…)`, e.span);
    return undefined;
  }
  const spec = specs.find((s) => s.name === callee.name);
  if (!spec) {
    ctx.sink.report("DLM3014", `unknown ${what} '${callee.name}' (${specs.map((s) => s.name).join(", ")})${didYouMean(callee.name, specs.map((s) => s.name))}`, callee.span);
    return undefined;
  }
  const before = ctx.sink.errorCount;
  const bound = bindArgs(ctx, callee.name, spec.args, e.kind === "Call" ? e.args : [], e.span);
  const config: Config = {};
  for (const a of spec.args) {
    const b = bound.get(a.name);
    const v = b ? evalConst(ctx, callee.name, a.name, a.kind, a.words, b.exprs[0]!) : a.default;
    if (v !== undefined && v !== null) config[a.name] = v;
    if (typeof v === "number" && v < 0) ctx.sink.report("DLM3009", `${callee.name}: ${a.name} must not be negative`, b?.span ?? e.span);
  }
  return ctx.sink.errorCount === before ? { name: spec.name, config, span: e.span } : undefined;
}

export const optimizerSetting = (ctx: Ctx, e: Expr) => callSetting(ctx, e, optimizers, "optimizer");
export const scheduleSetting = (ctx: Ctx, e: Expr) => callSetting(ctx, e, schedules, "schedule");

/** `adversarial fgsm(eps: 0.1, mix: 0.5)`: eps > 0, 0 ≤ mix < 1 (mix 1 would never see a perturbed input). */
export function adversarialSetting(ctx: Ctx, s: Setting): { method: "fgsm"; eps: number; mix: number; randomStart: boolean } | undefined {
  if (s.args.length !== 1 || s.args[0]!.name) {
    ctx.sink.report("DLM3009", "adversarial takes one method, e.g. adversarial fgsm(eps: 0.1)", s.span);
    return undefined;
  }
  const c = callSetting(ctx, s.args[0]!.value, adversarialMethods, "adversarial method");
  if (!c) return undefined;
  const eps = Number(c.config["eps"]);
  const mix = Number(c.config["mix"] ?? 0.5);
  if (!(eps > 0)) {
    ctx.sink.report("DLM3009", `fgsm: eps must be above 0, got ${eps}`, c.span);
    return undefined;
  }
  if (!(mix >= 0 && mix < 1)) {
    ctx.sink.report("DLM3009", `fgsm: mix (the weight of the clean loss) must be at least 0 and below 1, got ${mix}`, c.span);
    return undefined;
  }
  return { method: "fgsm", eps, mix, randomStart: c.config["random_start"] === true };
}

/** early_stop(…) as written: the monitor is resolved against the block's metrics once they are known. */
export interface EarlyStopSetting {
  patience: number;
  monitor: string;
  mode?: "min" | "max";
  /** The monitor argument (or the call, when monitor is the default). */
  monitorSpan: Span;
  /** The early_stop call. */
  span: Span;
}

/** `validate every: 1, early_stop(patience: 2)`. */
export function validateSetting(ctx: Ctx, s: Setting, hasValidationPart: boolean): { every: number; earlyStop?: EarlyStopSetting } | undefined {
  let every = 1;
  let earlyStop: EarlyStopSetting | undefined;
  for (const a of s.args) {
    if (a.name?.name === "every") {
      const v = evalConst(ctx, "validate", "every", "int", undefined, a.value);
      if (typeof v === "number" && v >= 1) every = v;
      else if (v !== undefined) ctx.sink.report("DLM3009", "validate every: must be at least 1", a.value.span);
      continue;
    }
    if (a.name) {
      ctx.sink.report("DLM1004", `validate has no argument '${a.name.name}'${didYouMean(a.name.name, ["every"])}`, a.name.span);
      continue;
    }
    const e = a.value;
    const callee = e.kind === "Call" ? e.callee : e.kind === "Name" ? e : undefined;
    if (!callee || callee.name !== "early_stop") {
      ctx.sink.report("DLM3009", "validate takes every: n and early_stop(patience: n)", e.span);
      continue;
    }
    const bound = bindArgs(ctx, "early_stop", earlyStopArgs, e.kind === "Call" ? e.args : [], e.span);
    const pb = bound.get("patience");
    const mb = bound.get("monitor");
    const modeB = bound.get("mode");
    const patience = pb ? evalConst(ctx, "early_stop", "patience", "int", undefined, pb.exprs[0]!) : undefined;
    const monitor = mb ? evalConst(ctx, "early_stop", "monitor", "string", undefined, mb.exprs[0]!) : "loss";
    const mode = modeB ? evalConst(ctx, "early_stop", "mode", "enum", ["min", "max"], modeB.exprs[0]!) : undefined;
    if (typeof patience === "number" && typeof monitor === "string" && (modeB === undefined || mode === "min" || mode === "max"))
      earlyStop = { patience, monitor, monitorSpan: mb?.exprs[0]?.span ?? e.span, span: e.span, ...(mode === "min" || mode === "max" ? { mode } : {}) };
  }
  if (!hasValidationPart) {
    ctx.sink.report("DLM3009", "validate needs a validation part in the data: split(…, validation: 0.1)", s.span);
    return undefined;
  }
  return earlyStop ? { every, earlyStop } : { every };
}

/**
 * The monitored figure of early_stop: "loss" (when the block has one) or one of its metrics, with or
 * without a `val_` / `validation.` prefix (the validation part is what is monitored either way). Its
 * direction: `mode:` when given, else the metric's (accuracy max; the loss and `name: expr` metrics min).
 * `declared`: the metric names the block wrote, also those whose expression had errors (no second report).
 */
export function resolveEarlyStop(ctx: Ctx, e: EarlyStopSetting, train: CheckedTrain, declared: readonly string[]): EarlyStop | undefined {
  const name = e.monitor.replace(/^(val_|validation\.)/, "");
  const known = [...(train.loss !== undefined ? ["loss"] : []), ...train.metrics.map((m) => m.name)];
  if (!known.includes(name)) {
    if (!declared.includes(name))
      ctx.sink.report("DLM3009", `early_stop: monitor '${e.monitor}' is not ${known.length > 0 ? `the loss or a metric of this block (${known.join(", ")})` : "a figure this block reports"}${didYouMean(name, known)}`, e.monitorSpan);
    return undefined;
  }
  const better = name === "loss" ? "lower" : train.metrics.find((m) => m.name === name)!.better;
  return { patience: e.patience, monitor: name, mode: e.mode ?? (better === "higher" ? "max" : "min") };
}
