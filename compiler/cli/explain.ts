// `dlm explain FILE --checkpoint PATH --input N [-o out.png]`: why the trained classifier scores test
// example N as it does: a PNG of the example, the saliency map (|∂score/∂pixel|, summed over channels) as
// a heatmap, and the heatmap over the example. `--method ig` uses integrated gradients from a black
// baseline instead (|attribution| per pixel; completeness is printed: Σ attributions vs F(x) − F(0)).
// The class explained is the predicted one unless --class says otherwise.

import { heatmap, overlay } from "../../runtime/image/colormap.js";
import { tileGrid } from "../../runtime/image/grid.js";
import { imageFromFloats, writePng } from "../../runtime/image/png.js";
import type { Io } from "./io.js";
import { checkWritablePath } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { imageShape, loadModel, perExample, runSession, sessionData, SessionError } from "./session.js";
import { classifierOf, openTrustSession } from "./trust-session.js";
import type { TrustModel } from "./trust-session.js";

export const explainHelp = `Usage: dlm explain [options] FILE --checkpoint PATH --input N

Explains the trained classifier's score of test example N: writes a PNG with the example, its
saliency map (how much each pixel moves the score) and the map over the example, and prints the
label, the prediction and the class explained.

Options:
  --checkpoint PATH  the model's weights (dlm train FILE --save PATH)
  --input N          which example of the part (0-based)
  -o, --out PATH     the PNG to write (default saliency-N.png)
  --class C          the class to explain (default: the predicted one)
  --method M         saliency (default: the gradient) or ig (integrated gradients from black)
  --steps N          ig: points on the path (default 100)
  --part NAME        the data part (default test)
  --scale N          enlarge the picture N times (default 4)
  --model NAME       the train block (when the file has several)
  --target T         ts (default) or wasm
  -h, --help         show this help

Exit codes: 0 ok, 1 errors in the file, its data or the checkpoint, 2 bad invocation.
`;

export async function explainCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("explain", args, {
    checkpoint: { type: "string" },
    input: { type: "string" },
    out: { type: "string", short: "o" },
    class: { type: "string" },
    method: { type: "string" },
    steps: { type: "string" },
    part: { type: "string" },
    scale: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm explain examples/cnn-fashion.dlm --checkpoint cnn.safetensors --input 0)" : "explain takes one file", "explain");
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (train first: dlm train FILE --save PATH)", "explain");
  const index = intOption("input", values.input, "explain", 0);
  if (index === undefined) throw new UsageError("--input N is required: the example to explain (0-based)", "explain");
  const chosenClass = intOption("class", values.class, "explain", 0);
  const method = oneOf("method", values.method, ["saliency", "ig"] as const, "explain") ?? "saliency";
  const steps = intOption("steps", values.steps, "explain", 1) ?? 100;
  const scale = intOption("scale", values.scale, "explain", 1) ?? 4;
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "explain") ?? "ts";
  const partName = values.part ?? "test";
  const out = values.out ?? `saliency-${index}.png`;
  checkWritablePath(out, "-o", "explain");

  return runSession(io, async () => {
    const session = await openTrustSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target, command: "explain", io });
    const c = classifierOf(session, "explain");
    const shape = imageShape(c.input);
    if (!shape) throw new SessionError(`${session.program.name}'s input ${c.input.name} is not an image ([H, W], [C, H, W] with C 1 or 3, or a square [N])`);
    const parts = sessionData(session);
    const part = parts[partName];
    if (!part) throw new SessionError(`data '${session.dataName}' has no ${partName} part (have: ${Object.keys(parts).join(", ")})`);
    if (index >= part.count) throw new UsageError(`--input ${index} is past the ${partName} part's ${part.count} examples`, "explain");
    if (chosenClass !== undefined && chosenClass >= c.classes) throw new UsageError(`--class ${chosenClass}: the model has ${c.classes} classes (0–${c.classes - 1})`, "explain");
    const size = perExample(c.input);
    const x = (part.field(c.input.name).data as Float32Array).slice(index * size, (index + 1) * size);
    const label = part.fields.has(c.label.name) ? part.field(c.label.name).data[index] : undefined;
    const model = (await loadModel(session, values.checkpoint!, "explain")) as TrustModel;
    const scores = model.predict({ [c.input.name]: x })[c.output.name] as Float32Array;
    let predicted = 0;
    for (let k = 1; k < c.classes; k++) if (scores[k]! > scores[predicted]!) predicted = k;
    const cls = chosenClass ?? predicted;

    let map: Float32Array;
    let note = "";
    if (method === "saliency") {
      map = model.saliency({ [c.input.name]: x }, cls).gradients[c.input.name]!;
    } else {
      const ig = model.integratedGradients({ [c.input.name]: x }, cls, { steps });
      map = ig.attributions[c.input.name]!;
      const sum = map.reduce((a, v) => a + v, 0);
      note = `  Σ attributions ${sum.toFixed(4)} vs F(x) − F(0) ${(ig.scores[0]! - ig.baselineScores[0]!).toFixed(4)}`;
    }
    // One value per pixel: |value| summed over channels (planar, as NCHW stores an example).
    const { height, width, channels } = shape;
    const plane = height * width;
    const heat = new Float32Array(plane);
    for (let ch = 0; ch < channels; ch++) for (let p = 0; p < plane; p++) heat[p] = heat[p]! + Math.abs(map[ch * plane + p]!);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const picture = imageFromFloats(x, width, height, { channels, layout: "chw", min: Math.min(0, lo), max: hi > Math.min(0, lo) ? hi : 1 });
    const colours = heatmap(heat, width, height, { colormap: "viridis", min: 0 });
    writePng(out, tileGrid([picture, colours, overlay(picture, colours, 0.6)], { columns: 3, scale }));
    io.out(`${session.program.name}: ${partName} example ${index}${label !== undefined ? `, label ${label}` : ""}, predicted ${predicted} (score ${scores[predicted]!.toFixed(3)}); explained class ${cls} by ${method === "ig" ? "integrated gradients" : "saliency"}${note}\n`);
    io.err(`wrote ${out} (the example, its ${method === "ig" ? "attributions" : "saliency map"}, the map over the example)\n`);
    return 0;
  });
}
