// The one table of gradient rules, merged from the per-group files. Ops that ops.ts marks
// non-differentiable have no entry; every other op must have one (test/gradcheck/completeness.test.ts).

import type { Rules } from "../rule.js";
import { convRules } from "./conv.js";
import { elementwiseRules } from "./elementwise.js";
import { gatherRules } from "./gather.js";
import { matmulRules } from "./matmul.js";
import { movementRules } from "./movement.js";
import { poolRules } from "./pool.js";
import { reduceRules } from "./reduce.js";
import { softmaxRules } from "./softmax.js";

export const gradRules: Rules = {
  ...elementwiseRules,
  ...reduceRules,
  ...matmulRules,
  ...convRules,
  ...poolRules,
  ...softmaxRules,
  ...gatherRules,
  ...movementRules,
};
