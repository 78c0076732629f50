// The input-gradient methods of a generated class (present when the program was lowered with
// `inputGradients`): `inputGradient(batch)` runs the inputGradient step (∂loss/∂fields per example),
// `saliency(inputs, classIndex)` the saliency step (∂score/∂inputs for one score per example), and
// `integratedGradients(inputs, classIndex, { baseline, steps })` integrates the saliency step on the host
// along the straight path from a baseline (Sundararajan et al. 2017). All take any number of examples,
// in chunks of the compiled batch like predict, and return fresh arrays (these are not training steps).
//
// Integrated gradients use the midpoint rule, α_k = (k + ½)/steps: exact for a path on which the
// gradient is linear and O(1/steps²) otherwise; the points of all examples go through the step a full
// batch at a time. The scores F(x) and F(baseline) come from the same step (its first output), so a caller
// can check completeness: Σ attributions ≈ F(x) − F(baseline).

import type { NodeId } from "../../ir/graph.js";
import type { StepGraph, TensorSpec } from "../../program/types.js";
import type { StepPlan } from "../../plan/step-values.js";
import { sizeOf } from "../../ir/shapes.js";
import type { StepEmitter } from "./op-code.js";
import { numberLiteral } from "./op-code.js";
import { arrayType } from "./context.js";
import type { ApiContext } from "./model-api.js";
import { propertyAccess, propertyKey, stringLiteral } from "./names.js";

type Emitted = { em: StepEmitter; plan: StepPlan };

const gradOutput = (name: string): string => `grad.${name}`;

function inputOf(plan: StepPlan, name: string): NodeId | undefined {
  const id = plan.graph.inputs.find((i) => i.name === name)?.node;
  return id !== undefined && plan.storage.has(id) ? id : undefined;
}

function outputOf(plan: StepPlan, name: string): NodeId | undefined {
  return plan.graph.outputs.find((o) => o.name === name)?.node;
}

/** `dst.set(rows 0..n of node, at)` or a fill when the node became a literal. */
function copyOut(e: Emitted, id: NodeId, dst: string, per: number, at: string): string {
  const st = e.plan.storage.get(id);
  if (st?.kind === "literal") return `${dst}.fill(${numberLiteral(st.value)}, ${at} * ${per}, (${at} + n) * ${per});`;
  return `${dst}.set(${e.em.arr(id)}.subarray(0, n * ${per}), ${at} * ${per});`;
}

const shapeText = (t: TensorSpec) => `${t.dtype}[${t.shape.join(", ")}]`;
const perExample = (t: TensorSpec) => sizeOf(t.shape.slice(1));

/** Sets the step counter input, if the step has one (no random op runs in eval mode; kept for safety). */
function stepInput(e: Emitted, sg: StepGraph): string[] {
  const id = sg.hostScalars.some((h) => h.kind === "step") ? inputOf(e.plan, "step") : undefined;
  return id === undefined ? [] : [`${e.em.arr(id)}[0] = this.stepCount;`];
}

export function inputGradientMethod(a: ApiContext): { body: string[]; returnType: string } {
  const e = a.emitters.inputGradient!;
  const { model } = a;
  const B = model.batch;
  const where = stringLiteral(`${a.className}.inputGradient`);
  const read = model.fields.filter((t) => inputOf(e.plan, t.name) !== undefined);
  const graded = model.fields.filter((t) => outputOf(e.plan, gradOutput(t.name)) !== undefined);
  const body: string[] = [`let count = -1;`];
  for (const t of read) {
    body.push(`count = ${a.use("checkExamples")}(${where}, ${stringLiteral(t.name)}, ${propertyAccess("batch", t.name)}, ${arrayType(t.dtype)}, ${perExample(t)}, ${stringLiteral(shapeText(t))}, count);`);
  }
  body.push(`if (count < 0) count = 0;`);
  body.push(`const loss = new Float32Array(count);`);
  graded.forEach((t, i) => body.push(`const grad${i} = new Float32Array(count * ${perExample(t)});`));
  const loop: string[] = [`const n = Math.min(${B}, count - start);`];
  for (const t of read) {
    const view = e.em.arr(inputOf(e.plan, t.name)!);
    const per = perExample(t);
    loop.push(`${view}.set(${propertyAccess("batch", t.name)}.subarray(start * ${per}, (start + n) * ${per}));`);
    loop.push(`if (n < ${B}) ${view}.fill(0, n * ${per});`);
  }
  loop.push(...stepInput(e, model.inputGradient!));
  loop.push(`this.runInputGradient();`);
  loop.push(copyOut(e, outputOf(e.plan, "loss")!, "loss", 1, "start"));
  graded.forEach((t, i) => loop.push(copyOut(e, outputOf(e.plan, gradOutput(t.name))!, `grad${i}`, perExample(t), "start")));
  body.push(`for (let start = 0; start < count; start += ${B}) {\n${loop.join("\n")}\n}`);
  body.push(`return { loss, gradients: { ${graded.map((t, i) => `${propertyKey(t.name)}: grad${i}`).join(", ")} } };`);
  const returnType = `{ loss: Float32Array; gradients: { ${graded.map((t) => `${propertyKey(t.name)}: Float32Array`).join("; ")} } }`;
  return { body, returnType };
}

interface SaliencyParts {
  e: Emitted;
  /** Model inputs with their views (f32 ones have gradients). */
  inputs: Array<{ t: TensorSpec; view: string; grad?: NodeId }>;
  cot: string;
  perOut: number;
  score: NodeId;
}

function saliencyParts(a: ApiContext): SaliencyParts {
  const e = a.emitters.saliency!;
  const { model } = a;
  const names = new Set([...model.inputs.map((t) => t.name), ...model.saliency!.hostScalars.map((h) => h.name)]);
  const cotInput = e.plan.graph.inputs.find((i) => !names.has(i.name))!;
  const first = model.outputs[0]!;
  const inputs = model.inputs.flatMap((t) => {
    const id = inputOf(e.plan, t.name);
    if (id === undefined) return [];
    const grad = outputOf(e.plan, gradOutput(t.name));
    return [{ t, view: e.em.arr(id), ...(grad !== undefined ? { grad } : {}) }];
  });
  return { e, inputs, cot: e.em.arr(cotInput.node), perOut: perExample(first), score: outputOf(e.plan, first.name)! };
}

/** Statements checking the inputs and `classIndex` (number or one per example) → `count`, `classOf(i)`. */
function checkedInputs(a: ApiContext, p: SaliencyParts, method: string): string[] {
  const where = stringLiteral(`${a.className}.${method}`);
  const body: string[] = [`let count = -1;`];
  for (const { t } of p.inputs) {
    body.push(`count = ${a.use("checkExamples")}(${where}, ${stringLiteral(t.name)}, ${propertyAccess("inputs", t.name)}, ${arrayType(t.dtype)}, ${perExample(t)}, ${stringLiteral(shapeText(t))}, count);`);
  }
  body.push(`if (count < 0) count = 0;`);
  body.push(`const classOf = (i: number): number => {`,
    `const c = typeof classIndex === "number" ? classIndex : classIndex[i];`,
    `if (c === undefined || !Number.isInteger(c) || c < 0 || c >= ${p.perOut}) throw new RangeError(\`\${${where}}: classIndex \${String(c)} of example \${i} is not a whole number in [0, ${p.perOut})\`);`,
    `return c;`,
    `};`);
  return body;
}

export function saliencyMethod(a: ApiContext): { body: string[]; returnType: string } {
  const p = saliencyParts(a);
  const { model } = a;
  const B = model.batch;
  const body = checkedInputs(a, p, "saliency");
  const graded = p.inputs.filter((x) => x.grad !== undefined);
  body.push(`const scores = new Float32Array(count);`);
  graded.forEach((x, i) => body.push(`const grad${i} = new Float32Array(count * ${perExample(x.t)});`));
  const loop: string[] = [`const n = Math.min(${B}, count - start);`];
  for (const { t, view } of p.inputs) {
    const per = perExample(t);
    loop.push(`${view}.set(${propertyAccess("inputs", t.name)}.subarray(start * ${per}, (start + n) * ${per}));`);
    loop.push(`if (n < ${B}) ${view}.fill(0, n * ${per});`);
  }
  loop.push(`${p.cot}.fill(0);`, `for (let r = 0; r < n; r++) ${p.cot}[r * ${p.perOut} + classOf(start + r)] = 1;`);
  loop.push(...stepInput(p.e, model.saliency!));
  loop.push(`this.runSaliency();`);
  loop.push(`for (let r = 0; r < n; r++) scores[start + r] = ${scoreRead(p, `r * ${p.perOut} + classOf(start + r)`)};`);
  graded.forEach((x, i) => loop.push(copyOut(p.e, x.grad!, `grad${i}`, perExample(x.t), "start")));
  body.push(`for (let start = 0; start < count; start += ${B}) {\n${loop.join("\n")}\n}`);
  body.push(`return { scores, gradients: { ${graded.map((x, i) => `${propertyKey(x.t.name)}: grad${i}`).join(", ")} } };`);
  const returnType = `{ scores: Float32Array; gradients: { ${graded.map((x) => `${propertyKey(x.t.name)}: Float32Array`).join("; ")} } }`;
  return { body, returnType };
}

function scoreRead(p: SaliencyParts, index: string): string {
  const st = p.e.plan.storage.get(p.score);
  return st?.kind === "literal" ? numberLiteral(st.value) : `${p.e.em.arr(p.score)}[${index}]!`;
}

export function integratedGradientsMethod(a: ApiContext): { body: string[]; returnType: string; optionsType: string } {
  const p = saliencyParts(a);
  const { model } = a;
  const B = model.batch;
  const where = `${a.className}.integratedGradients`;
  const body = checkedInputs(a, p, "integratedGradients");
  const graded = p.inputs.filter((x) => x.grad !== undefined);
  body.push(`const steps = options.steps ?? 100;`);
  body.push(`if (!Number.isInteger(steps) || steps < 1) throw new RangeError(\`${where}: steps must be a whole number ≥ 1, got \${steps}\`);`);
  // Baselines: one example's worth per f32 input, zeros by default.
  body.push(`const baseline = options.baseline ?? {};`);
  graded.forEach((x, i) => {
    const per = perExample(x.t);
    body.push(`const base${i} = ${propertyAccess("baseline", x.t.name)} ?? new Float32Array(${per});`);
    body.push(`if (!(base${i} instanceof Float32Array) || base${i}.length !== ${per}) throw new RangeError(${stringLiteral(`${where}: baseline "${x.t.name}" must be a Float32Array of ${per} values (one example)`)});`);
    body.push(`const sum${i} = new Float64Array(count * ${per});`);
  });
  body.push(`const scores = new Float32Array(count);`, `const baselineScores = new Float32Array(count);`);
  // Point j of example e: j < steps is α = (j + ½)/steps; j = steps is x itself, j = steps + 1 the baseline.
  body.push(`const points = steps + 2;`, `const total = count * points;`);
  const loop: string[] = [`const n = Math.min(${B}, total - start);`];
  loop.push(`for (let r = 0; r < n; r++) {`,
    `const ex = Math.floor((start + r) / points);`,
    `const j = (start + r) % points;`,
    `const alpha = j < steps ? (j + 0.5) / steps : j === steps ? 1 : 0;`);
  for (const x of p.inputs) {
    const per = perExample(x.t);
    const src = propertyAccess("inputs", x.t.name);
    const gi = graded.indexOf(x);
    if (gi < 0) {
      loop.push(`${x.view}.set(${src}.subarray(ex * ${per}, (ex + 1) * ${per}), r * ${per});`);
      continue;
    }
    loop.push(`for (let k = 0; k < ${per}; k++) { const b = base${gi}[k]!; ${x.view}[r * ${per} + k] = b + alpha * (${src}[ex * ${per} + k]! - b); }`);
  }
  loop.push(`}`);
  for (const x of p.inputs) loop.push(`if (n < ${B}) ${x.view}.fill(0, n * ${perExample(x.t)});`);
  loop.push(`${p.cot}.fill(0);`, `for (let r = 0; r < n; r++) ${p.cot}[r * ${p.perOut} + classOf(Math.floor((start + r) / points))] = 1;`);
  loop.push(...stepInput(p.e, model.saliency!));
  loop.push(`this.runSaliency();`);
  const acc: string[] = [`const ex = Math.floor((start + r) / points);`, `const j = (start + r) % points;`];
  acc.push(`if (j === steps) { scores[ex] = ${scoreRead(p, `r * ${p.perOut} + classOf(ex)`)}; continue; }`);
  acc.push(`if (j === steps + 1) { baselineScores[ex] = ${scoreRead(p, `r * ${p.perOut} + classOf(ex)`)}; continue; }`);
  graded.forEach((x, i) => {
    const per = perExample(x.t);
    const st = p.e.plan.storage.get(x.grad!);
    const g = st?.kind === "literal" ? numberLiteral(st.value) : `${p.e.em.arr(x.grad!)}[r * ${per} + k]!`;
    acc.push(`for (let k = 0; k < ${per}; k++) sum${i}[ex * ${per} + k] = sum${i}[ex * ${per} + k]! + ${g};`);
  });
  loop.push(`for (let r = 0; r < n; r++) {\n${acc.join("\n")}\n}`);
  body.push(`for (let start = 0; start < total; start += ${B}) {\n${loop.join("\n")}\n}`);
  graded.forEach((x, i) => {
    const per = perExample(x.t);
    const src = propertyAccess("inputs", x.t.name);
    body.push(`const attr${i} = new Float32Array(count * ${per});`);
    body.push(`for (let i = 0; i < count * ${per}; i++) attr${i}[i] = ((${src}[i]! - base${i}[i % ${per}]!) * sum${i}[i]!) / steps;`);
  });
  body.push(`return { attributions: { ${graded.map((x, i) => `${propertyKey(x.t.name)}: attr${i}`).join(", ")} }, scores, baselineScores };`);
  const returnType = `{ attributions: { ${graded.map((x) => `${propertyKey(x.t.name)}: Float32Array`).join("; ")} }; scores: Float32Array; baselineScores: Float32Array }`;
  const optionsType = `{ baseline?: { ${graded.map((x) => `${propertyKey(x.t.name)}?: Float32Array`).join("; ")} }; steps?: number }`;
  return { body, returnType, optionsType };
}
