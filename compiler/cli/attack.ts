// `dlm attack FILE --checkpoint PATH --eps 0.1 [--method fgsm|pgd]`: the clean and the adversarial
// accuracy of a trained classifier on its test part.
//
// FGSM (Goodfellow et al. 2015): x' = clip(x + eps·sign(∇x loss)). PGD (Madry et al. 2018): from a
// random point of the eps-ball, `steps` times x' ← clip(proj_eps(x' + alpha·sign(∇x loss))), alpha =
// 2.5·eps/steps by default. The gradient is the model's compiled inputGradient step (eval mode, each
// example's own loss). clip keeps pixels in the range the data has (for images scaled to [0, 1], [0, 1]):
// an attack may not produce pixels no real input has.

import { createRng } from "../../runtime/rng.js";
import type { Io } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { loadModel, perExample, runSession, sessionData, SessionError } from "./session.js";
import type { Arrays } from "./session.js";
import { classifierOf, openTrustSession } from "./trust-session.js";
import type { TrustModel } from "./trust-session.js";

export const attackHelp = `Usage: dlm attack [options] FILE --checkpoint PATH

Attacks FILE's trained classifier on its test part and prints the clean and the adversarial
accuracy. FGSM moves every pixel by eps in the direction that raises the loss; PGD takes
several smaller such steps, staying within eps of the original. Pixels stay in the data's range.

Options:
  --checkpoint PATH  the model's weights (dlm train FILE --save PATH)
  --eps X            the largest change of a pixel (default 0.1)
  --method M         fgsm (default) or pgd
  --steps N          pgd: iterations (default 10)
  --alpha X          pgd: step size (default 2.5·eps/steps)
  --limit N          attack only the first N test examples
  --part NAME        the data part to attack (default test)
  --seed N           pgd: seed of the random start (default 0)
  --model NAME       the train block (when the file has several)
  --target T         ts (default) or wasm
  --json             print the result as one JSON object
  -h, --help         show this help

Exit codes: 0 ok, 1 errors in the file, its data or the checkpoint, 2 bad invocation.
`;

/** The input gradient of every example, given the (possibly perturbed) inputs. */
export type GradientOf = (x: Float32Array) => Float32Array;

export interface AttackOptions {
  eps: number;
  /** Pixel range: the result is clipped to [lo, hi]. */
  lo: number;
  hi: number;
}

export function fgsm(x: Float32Array, gradientOf: GradientOf, o: AttackOptions): Float32Array {
  const g = gradientOf(x);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = clamp(x[i]! + o.eps * Math.sign(g[i]!), o.lo, o.hi);
  return out;
}

export function pgd(x: Float32Array, gradientOf: GradientOf, o: AttackOptions & { steps: number; alpha: number; seed: number }): Float32Array {
  const rng = createRng(o.seed).fork("pgd");
  const noise = new Float32Array(x.length);
  rng.fillUniform(noise, -o.eps, o.eps);
  const adv = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) adv[i] = clamp(x[i]! + noise[i]!, o.lo, o.hi);
  for (let s = 0; s < o.steps; s++) {
    const g = gradientOf(adv);
    for (let i = 0; i < x.length; i++) {
      const moved = adv[i]! + o.alpha * Math.sign(g[i]!);
      adv[i] = clamp(clamp(moved, x[i]! - o.eps, x[i]! + o.eps), o.lo, o.hi);
    }
  }
  return adv;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Fraction of examples whose highest score is the label. */
export function accuracy(scores: Float32Array, labels: Int32Array, classes: number): number {
  let right = 0;
  for (let e = 0; e < labels.length; e++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[e * classes + c]! > scores[e * classes + best]!) best = c;
    if (best === labels[e]) right++;
  }
  return labels.length === 0 ? 0 : right / labels.length;
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number above 0, got '${value}'`, "attack");
  return n;
}

export async function attackCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("attack", args, {
    checkpoint: { type: "string" },
    eps: { type: "string" },
    method: { type: "string" },
    steps: { type: "string" },
    alpha: { type: "string" },
    limit: { type: "string" },
    part: { type: "string" },
    seed: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm attack examples/cnn-fashion.dlm --checkpoint cnn.safetensors --eps 0.1)" : "attack takes one file", "attack");
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (train first: dlm train FILE --save PATH)", "attack");
  const eps = positiveNumber("eps", values.eps, 0.1);
  const method = oneOf("method", values.method, ["fgsm", "pgd"] as const, "attack") ?? "fgsm";
  const steps = intOption("steps", values.steps, "attack", 1) ?? 10;
  const alpha = positiveNumber("alpha", values.alpha, (2.5 * eps) / steps);
  const limit = intOption("limit", values.limit, "attack", 1);
  const seed = intOption("seed", values.seed, "attack", 0) ?? 0;
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "attack") ?? "ts";
  const partName = values.part ?? "test";

  return runSession(io, async () => {
    const session = await openTrustSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target, command: "attack", io });
    const c = classifierOf(session, "attack");
    const parts = sessionData(session);
    const part = parts[partName];
    if (!part) throw new SessionError(`data '${session.dataName}' has no ${partName} part (have: ${Object.keys(parts).join(", ")})`);
    for (const f of session.program.fields) if (!part.fields.has(f.name)) throw new SessionError(`the ${partName} part has no field '${f.name}'`);
    const count = Math.min(part.count, limit ?? part.count);
    const batch: Arrays = {};
    for (const f of session.program.fields) batch[f.name] = part.field(f.name).data.subarray(0, count * perExample(f));
    const x = batch[c.input.name] as Float32Array;
    const labels = batch[c.label.name] as Int32Array;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of part.field(c.input.name).data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const model = (await loadModel(session, values.checkpoint!, "attack")) as TrustModel;
    const scoresOf = (input: Float32Array) => model.predict({ [c.input.name]: input })[c.output.name] as Float32Array;
    const gradientOf: GradientOf = (input) => model.inputGradient({ ...batch, [c.input.name]: input }).gradients[c.input.name]!;
    const clean = accuracy(scoresOf(x), labels, c.classes);
    io.err(`attacking ${count} ${partName} examples (${method}, eps ${eps}${method === "pgd" ? `, ${steps} steps of ${alpha.toPrecision(3)}` : ""})…\n`);
    const adv = method === "fgsm" ? fgsm(x, gradientOf, { eps, lo, hi }) : pgd(x, gradientOf, { eps, lo, hi, steps, alpha, seed });
    const adversarial = accuracy(scoresOf(adv), labels, c.classes);
    if (values.json) {
      io.out(JSON.stringify({ model: session.program.name, part: partName, examples: count, method, eps, ...(method === "pgd" ? { steps, alpha } : {}), clean_accuracy: clean, adversarial_accuracy: adversarial }) + "\n");
    } else {
      io.out(`${session.program.name}: clean accuracy ${clean.toFixed(4)}  adversarial accuracy ${adversarial.toFixed(4)}  (${method}, eps ${eps}, ${count} ${partName} examples)\n`);
    }
    return 0;
  });
}
