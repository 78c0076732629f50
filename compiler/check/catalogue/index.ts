// The catalogue: every layer (Capitalized, has parameters) and function (lowercase, pure) by name.
// Data sources and transforms live in data-sources.ts, optimizers and schedules in train-settings.ts.

import { attentionLayers } from "./layers-attention.js";
import { convLayers } from "./layers-conv.js";
import { denseLayers } from "./layers-dense.js";
import { recurrentLayers } from "./layers-recurrent.js";
import { lossFunctions, metricFunctions } from "./losses.js";
import { idFunctions } from "./functions-ids.js";
import { mathFunctions } from "./functions-math.js";
import { visionMetricFunctions } from "./metrics-vision.js";
import { poolFunctions } from "./functions-pool.js";
import { shapeFunctions } from "./functions-shape.js";
import type { FunctionSpec, LayerSpec } from "./spec.js";

export const layerList: readonly LayerSpec[] = [...denseLayers, ...convLayers, ...recurrentLayers, ...attentionLayers];
export const functionList: readonly FunctionSpec[] = [...shapeFunctions, ...poolFunctions, ...mathFunctions, ...idFunctions, ...lossFunctions, ...metricFunctions, ...visionMetricFunctions];

export const layers: ReadonlyMap<string, LayerSpec> = new Map(layerList.map((l) => [l.name, l]));
export const functions: ReadonlyMap<string, FunctionSpec> = new Map(functionList.map((f) => [f.name, f]));
