// The Wasm target: a CompiledProgram → one .wasm module (every step graph of every model as one exported,
// straight-line function over constant offsets of the memory plan) and one TS glue module with the TS
// target's typed classes, whose step methods call the Wasm functions (glue.ts, step-wasm.ts).
//
// Runs natively in Wasm: matmul (2-D with any transposes, batched; relaxed-SIMD FMA on request), conv2d
// (Winograd F(2×2, 3×3) for 3×3 stride-1 convs in predict/evaluate, else im2col + the SIMD matmul) and
// both backward ops (im2col/col2im + the SIMD matmul; Winograd for dx of 3×3 stride-1 convs), max pooling
// (SIMD for 2×2 stride 2) and its backward, avg pooling, nearest upsampling (+ backward), pad, gather /
// scatter_add (Embedding) and take / scatter along an axis (a bad index runs the TS code to throw), argmax,
// equal of same-shaped tensors, fused elementwise groups of f32 ops (neg abs sqrt rsqrt square exp log
// sigmoid tanh relu leaky_relu silu erf gelu pow², add sub mul div maximum minimum greater select;
// full/scalar/row/column broadcasts with an outer loop), sum/mean/max over a prefix and/or suffix of axes,
// softmax/log-softmax and their backward along any axis, slice, concat, transpose (rank ≤ 4 after merging).
// Everything else calls an imported JS thunk running the TS target's code (random_normal, cast, broadcast
// compares, pad or transpose above rank 4…): correct from day one, faster op by op. The glue's header
// lists the thunks per step.

import type { ClassDeclarationStructure, InterfaceDeclarationStructure } from "ts-morph";
import { StructureKind } from "../../ts/structure-kinds.js";
import type { CompiledProgram } from "../../../program/types.js";
import type { ModelPlan, StepName } from "../../../plan/step-values.js";
import { ClassContext, CLASS_MEMBERS, ModuleContext } from "../../ts/context.js";
import { DEFAULT_RUNTIME, RUNTIME_NAMES, moduleFileName, moduleNames, packageVersion } from "../../ts/index.js";
import type { EmitOptions } from "../../ts/index.js";
import { emitModel } from "../../ts/model-class.js";
import { commentText } from "../../ts/names.js";
import { pairPools } from "../../ts/op-code.js";
import { WasmModule } from "../module.js";
import { relaxedSimdSupported } from "../load.js";
import { addMatmul, matmulScratchBytes } from "../kernels/matmul.js";
import { ALIGN } from "../../../plan/plan-memory.js";
import type { GlueModel } from "./glue.js";
import { wasmClass } from "./glue.js";
import { glueFiles } from "./glue-module.js";
import type { ModuleKernels, StepStats } from "./step-wasm.js";
import { emitStepWasm } from "./step-wasm.js";

export interface WasmEmitOptions extends EmitOptions {
  /** Also return the text format of the module (after optimization). */
  wat?: boolean;
  /** binaryen's optimization: true (default) a short pass list, "full" -O3, false none (module.ts). */
  optimize?: boolean | "full";
  /** Also run prettier over the glue (default false: it is printed indented already; prettier adds 0.3-1.7 s). */
  format?: boolean;
  /**
   * Matmul with relaxed-SIMD fused multiply-add (~20% faster; PERFORMANCE.md). The .wasm then loads only
   * where the engine has relaxed SIMD (Node 22+, or Node 20 with --experimental-wasm-relaxed-simd).
   * "auto": when this process's engine has it (right for in-memory use, not for files run elsewhere).
   * Default false.
   */
  relaxedSimd?: boolean | "auto";
  /** Also return `<name>.d.ts` (default true). */
  declarations?: boolean;
}

export interface WasmEmitResult {
  /** The module's binary, to be written as `wasmFile` next to the glue module. */
  wasm: Uint8Array;
  wasmFile: string;
  wat?: string;
  /**
   * `<name>.ts` → the glue module text (imports dlm/runtime/core, loads `wasmFile` next to it), and
   * `<name>.d.ts` → its declarations (for shipping it compiled to .js).
   */
  files: Record<string, string>;
  plans: Record<string, ModelPlan>;
  /** Per model and step: which ops ran natively and which as JS thunks (counts of nodes). */
  stats: Record<string, Partial<Record<StepName, StepStats>>>;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export async function emitWasm(program: CompiledProgram, options: WasmEmitOptions = {}): Promise<WasmEmitResult> {
  const relaxed = options.relaxedSimd === "auto" ? relaxedSimdSupported() : options.relaxedSimd ?? false;
  const wmod = await WasmModule.create({ relaxedSimd: relaxed });
  let finished = false;
  try {
    const fileName = moduleFileName(program.file);
    const wasmFile = fileName.replace(/\.ts$/, ".wasm");
    const mod = new ModuleContext();
    const names = moduleNames(program);
    const file = program.file.split(/[\\/]/).pop() ?? program.file;
    const source = sourceText(options.sources);
    const config = { name: "matmul", relaxed } as const;
    const scratch = matmulScratchBytes(config);
    addMatmul(wmod, config);
    const kernels: ModuleKernels = { matmul: "matmul", packA: 0, packB: 0, wino: 0, winoBytes: 0, functions: new Map() };
    const plans: Record<string, ModelPlan> = {};
    const stats: WasmEmitResult["stats"] = {};
    const body: Array<InterfaceDeclarationStructure | ClassDeclarationStructure> = [];
    const glues: GlueModel[] = [];
    let usesFit = false;
    program.models.forEach((model, index) => {
      const mn = names.get(model.name)!;
      const emitted = emitModel(model, mn, mod, RUNTIME_NAMES, source, { file, fuse: options.fuse ?? true, stepBodies: false });
      const plan = emitted.plan;
      plans[model.name] = plan;
      usesFit ||= emitted.usesFit;
      const klass = emitted.statements.find((s): s is ClassDeclarationStructure => s.kind === StructureKind.Class)!;
      const taken = [...(klass.properties ?? []).map((p) => p.name), ...(klass.methods ?? []).map((m) => m.name)];
      const cls = new ClassContext(mod, plan, [...RUNTIME_NAMES, ...CLASS_MEMBERS, ...taken]);
      kernels.packA = alignUp(plan.arenaBytes, ALIGN);
      kernels.packB = alignUp(kernels.packA + scratch.packA, ALIGN);
      kernels.wino = alignUp(kernels.packB + scratch.packB, ALIGN);
      kernels.winoBytes = 0;
      const prefix = `m${index}`;
      const glue: GlueModel = { model, emitted, className: mn.className, pages: 0, runs: {}, thunks: [], fields: cls.fields, seed: model.training?.seed ?? 0 };
      stats[model.name] = {};
      for (const sp of plan.steps) {
        const sg = model[sp.step]!;
        const out = emitStepWasm(wmod, kernels, model, plan, sp, cls, pairPools(sg.graph.nodes), prefix);
        glue.runs[sp.step] = out.exportName;
        glue.thunks.push(...out.thunks);
        stats[model.name]![sp.step] = out.stats;
      }
      // after the steps: their Winograd convs said how much scratch they need
      glue.pages = Math.max(1, Math.ceil((kernels.wino + kernels.winoBytes) / 65536));
      glues.push(glue);
      body.push(...emitted.statements);
    });
    // One module holds every model's steps, so each class must also satisfy the other models' imports.
    const allThunks = glues.flatMap((g) => g.thunks.map((t) => t.name));
    for (const g of glues) {
      const own = new Set(g.thunks.map((t) => t.name));
      g.foreignThunks = allThunks.filter((n) => !own.has(n));
      wasmClass(g);
    }
    finished = true;
    const fin = wmod.finish({ optimize: options.optimize ?? true, wat: options.wat ?? false });

    const header = [
      `// Generated by dlm ${options.version ?? packageVersion()} (target wasm) from ${commentText(file)}. Do not edit: change the .dlm file and run dlm compile again.`,
      `// Models: ${commentText(program.models.map((m) => m.name).join(", "))}. Every step runs in ${wasmFile} (loaded from next to this file) over one WebAssembly.Memory per model, laid out at compile time.`,
      `// An ES module for Node and browsers: the first create() compiles the .wasm (or pass it: create({ wasm }), compileWasm()).`,
      `// Native Wasm: matmul, conv2d (+ backward), pooling, upsampling, pad, fused elementwise loops, sum/mean/max, argmax, softmax family, slice/concat/transpose, gather/scatter.`,
      `// JS thunks (the TS target's code, called from Wasm):`,
      ...Object.entries(stats).flatMap(([m, s]) => Object.entries(s).map(([step, st]) => `//   ${commentText(m)}.${step}: ${thunkText(st!)}`)),
    ];
    const files = glueFiles({ fileName, wasmFile, header, body, usesFit, mod, runtime: options.runtime ?? DEFAULT_RUNTIME, ...(options.runtimeNode === undefined ? {} : { runtimeNode: options.runtimeNode }), declarations: options.declarations ?? true });
    if (options.format === true) files[fileName] = await (await import("prettier")).format(files[fileName]!, { parser: "typescript", printWidth: 120 });
    const result: WasmEmitResult = { wasm: fin.binary, wasmFile, files, plans, stats };
    if (fin.wat !== undefined) result.wat = fin.wat;
    return result;
  } finally {
    if (!finished) wmod.dispose();
  }
}

function thunkText(s: StepStats): string {
  const t = Object.entries(s.thunked);
  return t.length === 0 ? "none" : t.map(([op, n]) => `${op}×${n}`).join(", ");
}

function sourceText(sources: Record<string, string> | undefined): { line(file: string, line: number): string | undefined } | undefined {
  if (!sources) return undefined;
  return {
    line(file, line) {
      const text = sources[file] ?? sources[file.split(/[\\/]/).pop() ?? file];
      return text?.split(/\r\n|\r|\n/)[line - 1];
    },
  };
}

export { loadCompiledWasm } from "./load.js";
export type { StepStats } from "./step-wasm.js";
