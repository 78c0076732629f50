// The merged rule table: catalogue op name → lowering rule, one group per file. An op missing here is
// reported as DLM4010 ("cannot be lowered yet") at its span; the completeness test compares this table
// with the checker's catalogue.

import type { OpRule } from "./context.js";
import { functionRules } from "./functions.js";
import { idRules } from "./functions-ids.js";
import { shapeRules } from "./functions-shape.js";
import { attentionRules } from "./layers-attention.js";
import { convRules } from "./layers-conv.js";
import { denseRules } from "./layers-dense.js";
import { embeddingRules } from "./layers-embedding.js";
import { normRules } from "./layers-norm.js";
import { recurrentRules } from "./layers-recurrent.js";
import { lossRules } from "./losses.js";
import { metricRules } from "./metrics.js";
import { randomRules } from "./random.js";

const table: ReadonlyMap<string, OpRule> = new Map(Object.entries({
  ...functionRules,
  ...shapeRules,
  ...idRules,
  ...randomRules,
  ...denseRules,
  ...embeddingRules,
  ...normRules,
  ...convRules,
  ...recurrentRules,
  ...attentionRules,
  ...lossRules,
  ...metricRules,
}));

export function ruleFor(op: string): OpRule | undefined {
  return table.get(op);
}

export const loweredOps: readonly string[] = [...table.keys()];
