// The sequence entry points of a generated class, chosen by the model's signature (its predict step):
//
//   language model   tokens i32[B, T] → logits f32[B, T, V]:  generate(prompt ids) and generateText(prompt)
//   forecaster       window f32[B, W, 1] → next f32[B, H]:    forecast(history, steps)
//   sequence pair    src i32[B, S], tgt_in i32[B, T] → logits f32[B, T, V]:  translate(src ids), translateText
//
// All of them drive the predict step directly: copy their own input buffers (row 0, or every row for
// translate) into predict's input views before each run — the memory plan reuses input memory for later
// values, so the views do not keep what was written — and read predict's output view. The same code on
// both targets (the Wasm class runs runPredict in Wasm). Each call allocates its result, its input
// buffers and one scratch row up front, nothing per generated token.
//
// Generation is autoregressive over predict's fixed window: the prompt's last T tokens are placed at
// positions 0…n−1, the next token is drawn from the logits at position n−1 (runtime sampleLogits, seeded
// with createRng(seed).fork("generate")), written at position n; once the window is full it slides left by
// one. This assumes a causal model (later positions do not change earlier logits), as LSTMs and causal
// attention are. Forecasting slides a window of W values by the H predicted ones. translate decodes
// greedily from the start id (runtime START) until END or T ids, all rows of a batch at once.

import type { MethodDeclarationStructure, OptionalKind } from "ts-morph";
import type { ModelProgram, TensorSpec } from "../../program/types.js";
import type { GenerationSpec, WithGeneration } from "../../program/generation.js";
import type { NodeId } from "../../ir/graph.js";
import type { StepPlan } from "../../plan/step-values.js";
import type { StepEmitter } from "./op-code.js";
import { numberLiteral } from "./op-code.js";
import { stringLiteral } from "./names.js";

export const DEFAULT_GENERATION: GenerationSpec = { prompt: "\n", steps: 100, temperature: 1, topK: 0 };

export type SequenceKind = "language-model" | "forecaster" | "pair";

/** Which sequence entry points a model gets, from its inputs and outputs (batch axis first). */
export function sequenceKind(model: Pick<ModelProgram, "inputs" | "outputs">): SequenceKind | undefined {
  const { inputs, outputs } = model;
  const [out] = outputs;
  if (outputs.length !== 1 || !out || out.dtype !== "f32") return undefined;
  const tokens = (t: TensorSpec | undefined) => t?.dtype === "i32" && t.shape.length === 2;
  if (inputs.length === 1 && tokens(inputs[0]) && out.shape.length === 3 && out.shape[1] === inputs[0]!.shape[1]) return "language-model";
  if (inputs.length === 2 && tokens(inputs[0]) && tokens(inputs[1]) && out.shape.length === 3 && decoderInput(model) !== undefined) return "pair";
  const w = inputs[0];
  if (inputs.length === 1 && w?.dtype === "f32" && w.shape.length === 3 && w.shape[2] === 1 && out.shape.length === 2 && out.shape[1]! <= w.shape[1]!) return "forecaster";
  return undefined;
}

/** Of a pair model's two token inputs, the one the decoder reads (its length is the logits' T): the second
 *  when both lengths match (declaration order: source, then target). */
function decoderInput(model: Pick<ModelProgram, "inputs" | "outputs">): number | undefined {
  const t = model.outputs[0]!.shape[1];
  const matches = model.inputs.map((i, k) => (i.shape[1] === t ? k : -1)).filter((k) => k >= 0);
  return matches.length === 0 ? undefined : matches[matches.length - 1];
}

export interface SequenceContext {
  model: WithGeneration;
  className: string;
  predict: { em: StepEmitter; plan: StepPlan };
  use(name: string): string;
}

type Method = OptionalKind<MethodDeclarationStructure>;

function viewOf(s: SequenceContext["predict"], kind: "input" | "output", name: string): string | undefined {
  const list = kind === "input" ? s.plan.graph.inputs : s.plan.graph.outputs;
  const id: NodeId | undefined = list.find((x) => x.name === name)?.node;
  if (id === undefined) return undefined;
  const st = s.plan.storage.get(id);
  if (st === undefined || st.kind === "literal") return undefined;
  return s.em.arr(id);
}

/** The methods of the model's sequence kind (none for other models, or when a view was optimized away). */
export function sequenceMethods(c: SequenceContext): Method[] {
  const kind = sequenceKind(c.model);
  if (kind === "language-model") return generateMethods(c);
  if (kind === "forecaster") return forecastMethods(c);
  if (kind === "pair") return translateMethods(c);
  return [];
}

const optionsType = "{ steps?: number; temperature?: number; topK?: number; seed?: number }";
const vocabType = "{ encode(text: string): Int32Array; decode(ids: ArrayLike<number>, count?: number): string }";

function generateMethods(c: SequenceContext): Method[] {
  const { model } = c;
  const input = viewOf(c.predict, "input", model.inputs[0]!.name);
  const output = viewOf(c.predict, "output", model.outputs[0]!.name);
  if (!input || !output) return [];
  const t = model.inputs[0]!.shape[1]!;
  const v = model.outputs[0]!.shape[2]!;
  const b = model.batch;
  const g = model.generation ?? DEFAULT_GENERATION;
  const seed = model.training?.seed ?? 0;
  const where = (m: string) => stringLiteral(`${c.className}.${m}`);
  const generate = [
    `const where = ${where("generate")};`,
    `const steps = options.steps ?? ${g.steps};`,
    `const temperature = options.temperature ?? ${numberLiteral(g.temperature)};`,
    `const topK = options.topK ?? ${g.topK};`,
    `if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(\`\${where}: steps must be a whole number ≥ 0, got \${steps}\`);`,
    `if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new RangeError(\`\${where}: temperature must be 0 (greedy) or more, got \${temperature}\`);`,
    `if (!Number.isSafeInteger(topK) || topK < 0) throw new RangeError(\`\${where}: topK must be a whole number ≥ 0 (0 = off), got \${topK}\`);`,
    `if (prompt.length === 0) throw new RangeError(\`\${where}: the prompt is empty (give at least one token)\`);`,
    `for (let i = 0; i < prompt.length; i++) {`,
    `const id = prompt[i]!;`,
    `if (!Number.isInteger(id) || id < 0 || id >= ${v}) throw new RangeError(\`\${where}: prompt token \${i} is \${id}, outside 0..${v - 1}\`);`,
    `}`,
    `const rng = ${c.use("createRng")}(options.seed ?? ${seed}).fork("generate");`,
    `const scratch = new Float64Array(${v});`,
    `const out = new Int32Array(steps);`,
    `const tokens = new Int32Array(${b * t});`,
    `const logits = ${output};`,
    `let filled = Math.min(prompt.length, ${t});`,
    `for (let i = 0; i < filled; i++) tokens[i] = prompt[prompt.length - filled + i]!;`,
    `for (let s = 0; s < steps; s++) {`,
    `${input}.set(tokens);`,
    `this.runPredict();`,
    `const id = ${c.use("sampleLogits")}(logits, (filled - 1) * ${v}, ${v}, temperature, topK, rng, scratch);`,
    `out[s] = id;`,
    `if (filled < ${t}) tokens[filled++] = id;`,
    `else {`,
    `tokens.copyWithin(0, 1, ${t});`,
    `tokens[${t - 1}] = id;`,
    `}`,
    `}`,
    `return out;`,
  ];
  const text = [
    `const vocab = options.vocab ?? new ${c.use("CharVocab")}(${v});`,
    `const ids = vocab.encode(prompt);`,
    `if (ids.includes(${c.use("UNKNOWN")})) {`,
    `const outside = [...new Set([...prompt].filter((ch) => vocab.encode(ch).includes(${c.use("UNKNOWN")})))];`,
    `throw new RangeError(\`${c.className}.generateText: the prompt has characters outside the vocabulary: \${outside.map((ch) => JSON.stringify(ch)).join(", ")}\`);`,
    `}`,
    `return vocab.decode(this.generate(ids, options));`,
  ];
  return [
    {
      name: "generate",
      parameters: [{ name: "prompt", type: "ArrayLike<number>" }, { name: "options", type: optionsType, initializer: "{}" }],
      returnType: "Int32Array",
      docs: [`Samples \`steps\` token ids after the prompt's (the last ${t} are the window), seeded: the same seed gives the same ids. Defaults: the file's generate block (steps ${g.steps}, temperature ${g.temperature}, top-k ${g.topK}).`],
      statements: generate,
    },
    {
      name: "generateText",
      parameters: [
        { name: "prompt", type: "string", initializer: stringLiteral(g.prompt) },
        { name: "options", type: `${optionsType.slice(0, -2)}; vocab?: ${vocabType} }`, initializer: "{}" },
      ],
      returnType: "string",
      docs: [`generate() on text: the prompt encoded with \`vocab\`, the generated ids decoded (without the prompt). Pass the vocabulary the model was trained with (\`dlm train --save\` stores it in the checkpoint: runtime readCheckpointVocab); the default is the fixed ${v}-id alphabet.`],
      statements: text,
    },
  ];
}

function forecastMethods(c: SequenceContext): Method[] {
  const { model } = c;
  const input = viewOf(c.predict, "input", model.inputs[0]!.name);
  const output = viewOf(c.predict, "output", model.outputs[0]!.name);
  if (!input || !output) return [];
  const w = model.inputs[0]!.shape[1]!;
  const h = model.outputs[0]!.shape[1]!;
  const where = stringLiteral(`${c.className}.forecast`);
  const slide =
    h === w
      ? [`for (let j = 0; j < ${w}; j++) window[j] = next[j]!;`]
      : [`window.copyWithin(0, ${h}, ${w});`, `for (let j = 0; j < ${h}; j++) window[${w - h} + j] = next[j]!;`];
  return [
    {
      name: "forecast",
      parameters: [{ name: "history", type: "ArrayLike<number>" }, { name: "steps", type: "number" }],
      returnType: "Float32Array",
      docs: [`The next \`steps\` values after \`history\` (at least its last ${w} values, in the units the model was trained on), ${h} at a time, each prediction fed back into the window.`],
      statements: [
        `const where = ${where};`,
        `if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(\`\${where}: steps must be a whole number ≥ 0, got \${steps}\`);`,
        `if (history.length < ${w}) throw new RangeError(\`\${where}: needs at least ${w} values of history, got \${history.length}\`);`,
        `const window = new Float32Array(${model.batch * w});`,
        `const next = ${output};`,
        `for (let j = 0; j < ${w}; j++) {`,
        `const x = history[history.length - ${w} + j]!;`,
        `if (!Number.isFinite(x)) throw new RangeError(\`\${where}: history value \${history.length - ${w} + j} is \${x}\`);`,
        `window[j] = x;`,
        `}`,
        `const out = new Float32Array(steps);`,
        `for (let done = 0; done < steps; done += ${h}) {`,
        `${input}.set(window);`,
        `this.runPredict();`,
        `for (let j = 0; j < ${h} && done + j < steps; j++) out[done + j] = next[j]!;`,
        ...slide,
        `}`,
        `return out;`,
      ],
    },
  ];
}

function translateMethods(c: SequenceContext): Method[] {
  const { model } = c;
  const dec = decoderInput(model)!;
  const srcSpec = model.inputs[1 - dec]!;
  const tgtSpec = model.inputs[dec]!;
  const src = viewOf(c.predict, "input", srcSpec.name);
  const tgt = viewOf(c.predict, "input", tgtSpec.name);
  const output = viewOf(c.predict, "output", model.outputs[0]!.name);
  if (!src || !tgt || !output) return [];
  const b = model.batch;
  const s = srcSpec.shape[1]!;
  const t = tgtSpec.shape[1]!;
  const v = model.outputs[0]!.shape[2]!;
  const where = stringLiteral(`${c.className}.translate`);
  const start = c.use("START");
  const end = c.use("END");
  const translate = [
    `const where = ${where};`,
    `const count = sources.length / ${s};`,
    `if (!Number.isInteger(count)) throw new RangeError(\`\${where}: \${sources.length} source ids are not a whole number of rows of ${s}\`);`,
    `const out = new Int32Array(count * ${t});`,
    `const done = new Uint8Array(${b});`,
    `const srcIds = new Int32Array(${b * s});`,
    `const tgtIds = new Int32Array(${b * t});`,
    `const logits = ${output};`,
    `for (let first = 0; first < count; first += ${b}) {`,
    `const n = Math.min(${b}, count - first);`,
    `srcIds.fill(0);`,
    `for (let i = 0; i < n * ${s}; i++) {`,
    `const id = sources[first * ${s} + i]!;`,
    `if (!Number.isInteger(id) || id < 0 || id >= ${v}) throw new RangeError(\`\${where}: source id \${id} is outside 0..${v - 1}\`);`,
    `srcIds[i] = id;`,
    `}`,
    `tgtIds.fill(0);`,
    `done.fill(0);`,
    `for (let r = 0; r < ${b}; r++) tgtIds[r * ${t}] = ${start};`,
    `let active = n;`,
    `for (let p = 0; p < ${t} && active > 0; p++) {`,
    `${src}.set(srcIds);`,
    `${tgt}.set(tgtIds);`,
    `this.runPredict();`,
    `for (let r = 0; r < n; r++) {`,
    `if (done[r] === 1) continue;`,
    `const base = (r * ${t} + p) * ${v};`,
    `let best = 0;`,
    `for (let k = 1; k < ${v}; k++) if (logits[base + k]! > logits[base + best]!) best = k;`,
    `out[(first + r) * ${t} + p] = best;`,
    `if (best === ${end}) {`,
    `done[r] = 1;`,
    `active--;`,
    `} else if (p + 1 < ${t}) tgtIds[r * ${t} + p + 1] = best;`,
    `}`,
    `}`,
    `}`,
    `return out;`,
  ];
  const text = [
    `const vocab = options.vocab ?? new ${c.use("CharVocab")}(${v});`,
    `const ids = new Int32Array(sources.length * ${s});`,
    `sources.forEach((text, i) => {`,
    `const e = vocab.encode(text);`,
    `if (e.length > ${s}) throw new RangeError(\`${c.className}.translateText: source \${i} has \${e.length} characters, more than ${s}\`);`,
    `ids.set(e, i * ${s});`,
    `});`,
    `const out = this.translate(ids);`,
    `return sources.map((_, i) => {`,
    `let n = 0;`,
    `while (n < ${t} && out[i * ${t} + n] !== ${end}) n++;`,
    `return vocab.decode(out.subarray(i * ${t}, i * ${t} + n));`,
    `});`,
  ];
  return [
    {
      name: "translate",
      parameters: [{ name: "sources", type: "ArrayLike<number>" }],
      returnType: "Int32Array",
      docs: [`Greedy decoding: for each source row of ${s} ids (0-padded), the ${t} output ids from the start id on, ending with the end id (then 0s).`],
      statements: translate,
    },
    {
      name: "translateText",
      parameters: [{ name: "sources", type: "readonly string[]" }, { name: "options", type: `{ vocab?: ${vocabType} }`, initializer: "{}" }],
      returnType: "string[]",
      docs: ["translate() on text, encoded and decoded with `vocab`: the one the model was trained with (saved in the checkpoint by `dlm train --save`); the default is the fixed alphabet."],
      statements: text,
    },
  ];
}
