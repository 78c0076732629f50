// Generate blocks: sampling text from a character language model. The model must map one input of
// token ids i32[B, T] to one output of logits f32[B, T, V]; settings are prompt, steps, temperature (0 =
// greedy) and top_k (0 = off).

import type { GenerateDecl } from "../../grammar/ast.js";
import { evalConst } from "./args.js";
import { fmtType } from "./catalogue/spec.js";
import type { Sink } from "./graph.js";
import { instantiate, modelArgs, newCtx, paramsFromArgs } from "./model.js";
import { GraphBuilder } from "./graph.js";
import { didYouMean, type ProgramIndex } from "./resolve.js";
import type { CheckedGenerate, CheckedProgram } from "./types.js";

const settingKinds = { prompt: "string", steps: "int", temperature: "float", top_k: "int" } as const;

export function checkGenerate(index: ProgramIndex, _checked: CheckedProgram, decl: GenerateDecl, sink: Sink): CheckedGenerate {
  const before = sink.errorCount;
  const ctx = newCtx(index, new GraphBuilder(), sink);
  const out: CheckedGenerate = { span: decl.span, model: decl.target.name, args: {}, prompt: "", steps: 100, temperature: 1, topK: 0, ok: false };
  const seen = new Set<string>();
  for (const s of decl.settings) {
    const key = s.key.name;
    if (!(key in settingKinds)) {
      sink.report("DLM3005", `unknown generate setting '${key}'${didYouMean(key, Object.keys(settingKinds))}`, s.key.span);
      continue;
    }
    if (seen.has(key)) {
      sink.report("DLM3006", `'${key}' is set twice`, s.key.span);
      continue;
    }
    seen.add(key);
    if (s.args.length !== 1 || s.args[0]!.name) {
      sink.report("DLM3009", `${key} takes one value`, s.span);
      continue;
    }
    const k = key as keyof typeof settingKinds;
    const v = evalConst(ctx, "generate", key, settingKinds[k], undefined, s.args[0]!.value);
    if (v === undefined) continue;
    const bad = (msg: string) => sink.report("DLM3009", msg, s.args[0]!.value.span);
    if (k === "prompt") out.prompt = v as string;
    else if (k === "steps") (typeof v === "number" && v >= 1 ? (out.steps = v) : bad("steps must be at least 1"));
    else if (k === "temperature") (typeof v === "number" && v >= 0 ? (out.temperature = v) : bad("temperature must be 0 (greedy) or more"));
    else typeof v === "number" && v >= 0 ? (out.topK = v) : bad("top_k must be 0 (off) or more");
  }
  const model = index.models.get(decl.target.name);
  if (!model) {
    sink.report("DLM1011", `unknown model '${decl.target.name}'${didYouMean(decl.target.name, index.models.keys())}`, decl.target.span);
    return out;
  }
  const args = modelArgs(ctx, model, decl.args, decl.target.span);
  if (!args) return out;
  out.args = args;
  const params = paramsFromArgs(model, args, sink, decl.target.span);
  if (!params || index.modelOk.get(model.name.name) === false) return out;
  const graph = instantiate(index, model, params, new Map(), new (sink.constructor as new () => Sink)(), false);
  const [input] = graph.inputs;
  const [output] = graph.outputs;
  const t = input?.shape[1];
  const lm =
    graph.inputs.length === 1 && graph.outputs.length === 1 && input && output && input.dtype === "i32" && input.shape.length === 2 &&
    output.dtype === "f32" && output.shape.length === 3 && t !== undefined && fmtType({ dtype: "f32", shape: [input.shape[0]!, t] }) === fmtType({ dtype: "f32", shape: output.shape.slice(0, 2) });
  if (!lm) {
    const sig = `${graph.inputs.map((i) => `${i.name}: ${fmtType(i)}`).join(", ")} → ${graph.outputs.map((o) => `${o.name}: ${fmtType(o)}`).join(", ")}`;
    sink.report("DLM3010", `generate needs a language model mapping tokens i32[B, T] to logits f32[B, T, V]; ${model.name.name} is ${sig}`, decl.target.span);
    return out;
  }
  out.vocab = output.shape[2]!;
  out.ok = sink.errorCount === before;
  return out;
}
