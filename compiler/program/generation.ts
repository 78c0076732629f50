// The settings of a `generate` block, carried on the ModelProgram of the model it names so that the
// emitters can make them the defaults of the class's generate(). Kept beside types.ts (not in it) as an
// optional extension: only the sequence entry points read it.

import type { CheckedGenerate } from "../check/types.js";
import type { ModelProgram } from "./types.js";

export interface GenerationSpec {
  prompt: string;
  steps: number;
  temperature: number;
  /** 0 = no top-k filtering. */
  topK: number;
}

/** A ModelProgram that may carry its `generate` block's settings. */
export type WithGeneration = ModelProgram & { generation?: GenerationSpec };

/** Attaches each checked generate block to the lowered model it names (the first block wins). */
export function attachGenerations(models: readonly ModelProgram[], generates: readonly CheckedGenerate[]): void {
  for (const g of generates) {
    if (!g.ok) continue;
    const m = models.find((x) => x.name === g.model) as WithGeneration | undefined;
    if (m && m.generation === undefined) m.generation = { prompt: g.prompt, steps: g.steps, temperature: g.temperature, topK: g.topK };
  }
}
