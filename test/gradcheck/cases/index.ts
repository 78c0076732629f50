// Every gradcheck case, by group. The completeness test requires at least one case per differentiable op.

import type { GradCase } from "../harness.js";
import { elementwiseCases } from "./elementwise.js";
import { linalgCases } from "./linalg.js";
import { movementCases } from "./movement.js";
import { piecewiseCases } from "./piecewise.js";
import { poolCases } from "./pool.js";
import { reduceCases } from "./reduce.js";

export const gradCases: GradCase[] = [...elementwiseCases, ...reduceCases, ...linalgCases, ...poolCases, ...movementCases, ...piecewiseCases];
