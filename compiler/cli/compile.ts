// `dlm compile FILE --target ts|wasm -o DIR`: front end, lowering, the optimizing pipeline, then an
// emitter. TS writes DIR/<file>.ts, a module that imports only `dlm/runtime/core` (platform-neutral);
// Wasm writes DIR/<file>.wasm and its typed loader DIR/<file>.ts (the same class and API). `--emit ir`
// prints the IR of every step graph instead (compiler/ir/print.ts); `--emit wat` prints the Wasm module
// as text. `--input-gradients` also lowers the inputGradient and saliency steps (the class's
// inputGradient/saliency/integratedGradients).
//
// Exit codes: 0 written, 1 errors in the .dlm file (rendered with excerpts) or a construct the target
// cannot compile yet, 2 a bad invocation.
//
// Compile time: each target's emitter is imported only when it is chosen. The TS target pulls in ts-morph
// (the TypeScript compiler, ~0.3 s to load) and prettier; the Wasm target needs neither (its glue is
// printed directly) but loads binaryen. `bench/compile-time.ts` measures the whole command per example.

import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { frontEnd } from "../frontend.js";
import { renderDiagnostics, summarizeDiagnostics } from "../diagnostics/render.js";
import { lowerProgram } from "../lower/index.js";
import { optimizeProgram, passNames, printStep } from "../pipeline.js";
import { EmitError } from "../emit/ts/op-code.js";
import { prefetchBinaryen } from "../emit/wasm/binaryen.js";
import type { CompiledProgram } from "../program/types.js";
import { STEP_NAMES } from "../program/types.js";
import type { Io } from "./io.js";
import { readSource } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { compileOnnxCommand, wantsOnnx } from "./compile-onnx.js";

export const compileHelp = `Usage: dlm compile [options] FILE

Compiles a .dlm file to a TypeScript module with one class per trained model
(create, predict, trainStep, evaluate, fit, save, load, parameters), or to a
WebAssembly module with a typed loader that has the same classes. The output
imports only dlm/runtime/core, so it runs in browsers too (saveBytes/loadBytes;
save/load by path need Node).

Options:
  --target ts|wasm|onnx  the output (default ts); wasm writes <file>.wasm and <file>.ts;
                     onnx writes <file>.onnx: predict only, weights from --checkpoint PATH
                     (or the initial state, --seed N), batch axis symbolic ("B") where possible
  -o, --out DIR      write into DIR (default: the directory of FILE)
  --emit code|ir|wat code writes the files (default); ir prints every step graph's IR;
                     wat prints the Wasm module as text (with --target wasm)
  --batch N          compile for batch size N instead of the train block's batch
  --input-gradients  also compile the input-gradient steps: the class gets inputGradient,
                     saliency and integratedGradients (what dlm attack and dlm explain use);
                     ts and wasm targets only
  --dump-after PASS  print every step graph after that optimizing pass (${passNames.join(", ")})
  --no-optimize      emit the step graphs as lowered, without the optimizing passes
  --no-warnings      do not print warnings
  -h, --help         show this help

Exit codes: 0 ok, 1 errors in the file, 2 bad invocation.
`;

export async function compileCommand(args: string[], io: Io): Promise<number> {
  if (wantsOnnx(args)) return compileOnnxCommand(args, io);
  const { values, positionals } = parseCommandArgs("compile", args, {
    target: { type: "string" },
    out: { type: "string", short: "o" },
    emit: { type: "string" },
    batch: { type: "string" },
    "input-gradients": { type: "boolean" },
    "dump-after": { type: "string" },
    "no-optimize": { type: "boolean" },
    "no-warnings": { type: "boolean" },
  });
  const dumpAfter = oneOf("dump-after", values["dump-after"], passNames, "compile");
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "compile") ?? "ts";
  const emitted = oneOf("emit", values.emit, ["code", "ts", "ir", "wat"] as const, "compile") ?? "code";
  const emit = emitted === "ts" ? "code" : emitted;
  if (emit === "wat" && target !== "wasm") throw new UsageError("--emit wat needs --target wasm", "compile");
  const batch = intOption("batch", values.batch, "compile", 1);
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "no input file (try: dlm compile examples/mlp.dlm -o out/)" : "compile takes one file", "compile");
  }
  const file = positionals[0]!;
  const text = await readSource(file, "compile");

  const fe = frontEnd(text, file);
  const lowering = { ...(batch === undefined ? {} : { batch }), ...(values["input-gradients"] ? { inputGradients: true } : {}) };
  const lowered = fe.diagnostics.some((d) => d.severity === "error") ? undefined : lowerProgram(fe.checked, file, lowering);
  const all = [...fe.diagnostics, ...(lowered?.diagnostics ?? [])];
  const shown = values["no-warnings"] ? all.filter((d) => d.severity === "error") : all;
  if (shown.length > 0) {
    io.err(renderDiagnostics(shown, new Map([[fe.source.name, fe.source]]), { color: io.color }) + "\n\n");
    io.err(`${summarizeDiagnostics(shown)} in ${file}\n`);
  }
  if (!lowered || all.some((d) => d.severity === "error")) return 1;
  // binaryen's load (~0.3 s of CPU, part of it on V8's compile threads) overlaps the passes and planning;
  // not before the front end has passed, so that a file with errors does not wait for it to exit.
  if (target === "wasm" && emit !== "ir") prefetchBinaryen();
  if (lowered.program.models.length === 0) {
    io.err(`dlm compile: ${file} has no train block, so there is no model to compile\n`);
    return 1;
  }

  let program = lowered.program;
  if (!values["no-optimize"]) {
    const optimized = optimizeProgram(program, dumpAfter === undefined ? {} : { dumpAfter });
    program = optimized.program;
    for (const d of optimized.dumps) io.out(`# ${d.model}.${d.step} after ${d.pass}\n${d.text.trimEnd()}\n\n`);
  }
  if (emit === "ir") {
    io.out(printProgram(program));
    return 0;
  }
  let files: Record<string, string | Uint8Array>;
  try {
    if (target === "wasm") {
      const { emitWasm } = await import("../emit/wasm/program/index.js");
      const out = await emitWasm(program, { sources: { [file]: text }, wat: emit === "wat" });
      if (emit === "wat") {
        io.out(out.wat ?? "");
        return 0;
      }
      files = { ...out.files, [out.wasmFile]: out.wasm };
    } else {
      const { emitTypeScript } = await import("../emit/ts/index.js");
      ({ files } = await emitTypeScript(program, { sources: { [file]: text } }));
    }
  } catch (e) {
    if (e instanceof EmitError) {
      io.err(`dlm compile: ${file} uses something the ${target === "wasm" ? "Wasm" : "TypeScript"} target cannot compile yet: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const outDir = resolve(values.out ?? dirname(file));
  await mkdir(outDir, { recursive: true });
  for (const [name, code] of Object.entries(files)) {
    const path = join(outDir, name);
    await writeFile(path, code);
    io.err(`wrote ${path} (${program.models.map((m) => m.name).join(", ")} from ${basename(file)})\n`);
  }
  return 0;
}

/** Every step graph of every model, with its updates and host scalars, as `--emit ir` prints them. */
export function printProgram(program: CompiledProgram): string {
  const out: string[] = [];
  for (const m of program.models) {
    for (const step of STEP_NAMES) {
      const sg = m[step];
      if (!sg) continue;
      out.push(`# ${m.name}.${step} (batch ${m.batch})`);
      out.push(printStep(sg).trimEnd());
      if (sg.hostScalars.length > 0) out.push(`host scalars: ${sg.hostScalars.map((h) => `${h.name} (${h.kind})`).join(", ")}`);
      out.push("");
    }
  }
  return out.join("\n");
}
