// The checker's entry point: check(program) → { diagnostics, program: CheckedProgram }.
//
// Order: index the declarations (duplicates), check every model generically (callees before callers, so
// an instance knows whether its model already reported its errors), then data, train and generate blocks.
// Never throws on a parser-produced AST; every error is reported, an `unknown` value silencing follow-ons.
// `elaborate` / `elaborateTrain` give the concrete graphs lowering consumes.

import type { Diagnostic } from "../../grammar/source.js";
import type { Expr, ModelDecl, Program } from "../../grammar/ast.js";
import { checkData } from "./data.js";
import { checkGenerate } from "./generate.js";
import { Sink } from "./graph.js";
import { checkModel } from "./model.js";
import { indexProgram } from "./resolve.js";
import { checkTrain } from "./train.js";
import type { CheckedModel, CheckedProgram } from "./types.js";

export { elaborate, elaborateTrain } from "./elaborate.js";
export type * from "./types.js";

export interface CheckResult {
  diagnostics: Diagnostic[];
  program: CheckedProgram;
}

export function check(program: Program, _options: Record<string, never> = {}): CheckResult {
  const sink = new Sink();
  const index = indexProgram(program, sink);
  const models: CheckedModel[] = [];
  // Depth-first, callees first, with an explicit stack: a file may chain thousands of models.
  const done = new Set<string>();
  const entered = new Set<string>();
  for (const root of index.models.values()) {
    const stack: Array<{ decl: ModelDecl; callees?: ModelDecl[] }> = [{ decl: root }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const name = top.decl.name.name;
      if (!top.callees) {
        if (done.has(name) || entered.has(name)) {
          stack.pop();
          continue;
        }
        entered.add(name);
        top.callees = [...referencedNames(top.decl)].flatMap((n) => index.models.get(n) ?? []).reverse();
      }
      const next = top.callees.pop();
      if (next) {
        stack.push({ decl: next });
        continue;
      }
      stack.pop();
      done.add(name);
      models.push(checkModel(index, top.decl, sink));
    }
  }
  // Report models in source order.
  models.sort((a, b) => a.span.start.offset - b.span.start.offset);
  const data = [...index.data.values()].map((d) => checkData(index, d, sink));
  const checked: CheckedProgram = { ast: program, models, data, trains: [], generates: [] };
  checked.trains = index.trains.map((t) => checkTrain(index, checked, t, sink));
  checked.generates = index.generates.map((g) => checkGenerate(index, checked, g, sink));
  const diagnostics = [...sink.list].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { diagnostics, program: checked };
}

/** Names a model body mentions (Capitalized callees matter: models it instantiates). Iterative walk. */
function referencedNames(decl: ModelDecl): Set<string> {
  const out = new Set<string>();
  const stack: Expr[] = decl.body.flatMap((s) => (s.kind === "Binding" ? [s.value] : []));
  while (stack.length > 0) {
    const e = stack.pop()!;
    switch (e.kind) {
      case "Name":
        out.add(e.name);
        break;
      case "Call":
        out.add(e.callee.name);
        for (const a of e.args) stack.push(a.value);
        break;
      case "Pipe":
        stack.push(e.source, ...e.stages);
        break;
      case "Repeat":
        stack.push(e.count, e.body);
        break;
      case "Binary":
        stack.push(e.left, e.right);
        break;
      case "Unary":
        stack.push(e.operand);
        break;
      case "ListLit":
      case "TupleLit":
        stack.push(...e.elements);
        break;
      default:
        break;
    }
  }
  return out;
}
