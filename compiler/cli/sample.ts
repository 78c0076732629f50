// `dlm sample FILE --checkpoint PATH`: draws samples from a trained generator (the first model of a GAN's
// train block: its `predict` maps noise to images), writes a PNG grid of them, and with `--judge` scores
// them with a trained classifier: the class histogram, its entropy (ln 10 when every digit is equally
// common) and the mean top-class confidence. Figures on stdout, `--json` for one JSON object.

import { createRng } from "../../runtime/rng.js";
import { imageFromFloats, writePng } from "../../runtime/image/png.js";
import type { Image } from "../../runtime/image/png.js";
import { tileGrid } from "../../runtime/image/grid.js";
import { judgeLogits } from "../../runtime/stats/classes.js";
import type { Io } from "./io.js";
import { checkWritablePath } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { imageShape, loadModel, openSession, perExample, runSession, SessionError } from "./session.js";
import type { Session } from "./session.js";

export const sampleHelp = `Usage: dlm sample [options] FILE --checkpoint PATH

Draws samples from FILE's trained generator (a GAN's train block: the generator's predict maps
standard-normal noise to images) and writes a PNG grid of them. With --judge, a trained classifier
labels every sample; prints the class histogram, its entropy and the mean top-class confidence.

Options:
  --checkpoint PATH        the generator's weights (dlm train FILE --save PATH)
  -n, --count N            samples to draw (default 1000 with --judge, else 100)
  -o, --out PATH           write a PNG grid of the first samples (default: no image)
  --grid N                 samples in the grid (default 100, 10 per row)
  --scale N                enlarge every sample N times in the grid (default 2)
  --seed N                 seed of the noise (default 0)
  --judge FILE             a classifier's .dlm file (e.g. examples/mlp.dlm)
  --judge-checkpoint PATH  its weights (dlm train examples/mlp.dlm --save PATH)
  --model NAME             the train block of FILE (when it has several)
  --judge-model NAME       the train block of the judge file (when it has several)
  --target T               ts (default) or wasm
  --json                   print the figures as one JSON object
  -h, --help               show this help

Exit codes: 0 ok, 1 errors in a file, its data or a checkpoint, 2 bad invocation.
`;

export async function sampleCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("sample", args, {
    checkpoint: { type: "string" },
    count: { type: "string", short: "n" },
    out: { type: "string", short: "o" },
    grid: { type: "string" },
    scale: { type: "string" },
    seed: { type: "string" },
    judge: { type: "string" },
    "judge-checkpoint": { type: "string" },
    model: { type: "string" },
    "judge-model": { type: "string" },
    target: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm sample examples/gan.dlm --checkpoint gan.safetensors -o samples.png)" : "sample takes one file", "sample");
  if (values.out !== undefined) checkWritablePath(values.out, "-o", "sample");
  const file = positionals[0]!;
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (train first: dlm train FILE --save PATH)", "sample");
  if ((values.judge === undefined) !== (values["judge-checkpoint"] === undefined)) throw new UsageError("--judge and --judge-checkpoint go together", "sample");
  const judging = values.judge !== undefined;
  const count = intOption("count", values.count, "sample", 1) ?? (judging ? 1000 : 100);
  const gridCount = Math.min(count, intOption("grid", values.grid, "sample", 1) ?? 100);
  const scale = intOption("scale", values.scale, "sample", 1) ?? 2;
  const seed = intOption("seed", values.seed, "sample", 0) ?? 0;
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "sample") ?? "ts";

  return runSession(io, async () => {
    const gen = await openSession(file, { ...(values.model ? { model: values.model } : {}), target, command: "sample", io });
    const noise = gen.program.inputs[0];
    const output = gen.program.outputs[0];
    if (gen.program.inputs.length !== 1 || !noise || noise.dtype !== "f32" || !output || output.dtype !== "f32") {
      throw new SessionError(`${gen.program.name} is not a generator: its predict must take one f32 noise input and give f32 images`);
    }
    const shape = imageShape(output);
    if (!shape) throw new SessionError(`${gen.program.name}'s output ${output.name} f32[${output.shape.join(", ")}] is not an image ([N] square, [H, W] or [C, H, W])`);
    const model = await loadModel(gen, values.checkpoint!, "sample");
    const z = new Float32Array(count * perExample(noise));
    createRng(seed).fork("sample").fillNormal(z, 0, 1);
    const images = model.predict({ [noise.name]: z })[output.name] as Float32Array;
    const size = perExample(output);

    const result: Record<string, unknown> = { samples: count, generator: gen.program.name };
    if (values.out !== undefined) {
      const tiles: Image[] = [];
      for (let i = 0; i < gridCount; i++) {
        tiles.push(imageFromFloats(images, shape.width, shape.height, { channels: shape.channels, layout: "chw", offset: i * size }));
      }
      writePng(values.out, tileGrid(tiles, { columns: Math.min(10, gridCount), scale }));
      result.image = values.out;
    }
    if (judging) Object.assign(result, await judge(images, count, size, values.judge!, values["judge-checkpoint"]!, values["judge-model"], target, io));

    if (values.json) {
      io.out(JSON.stringify(result) + "\n");
    } else {
      io.out(`${count} samples from ${gen.program.name} (noise seed ${seed})\n`);
      if (judging) {
        const hist = result.histogram as number[];
        const k = hist.length;
        io.out(`judged by ${String(result.judge)}: predicted classes ${hist.map((n, c) => `${c}:${n}`).join(" ")}\n`);
        io.out(`class entropy ${(result.entropy as number).toFixed(4)} nats (ln ${k} = ${Math.log(k).toFixed(4)}; ratio ${((result.entropy as number) / Math.log(k)).toFixed(3)})\n`);
        io.out(`mean top-class confidence ${(result.confidence as number).toFixed(4)}\n`);
      }
      if (values.out !== undefined) io.out(`wrote ${values.out} (${gridCount} samples)\n`);
    }
    return 0;
  });
}

async function judge(images: Float32Array, count: number, size: number, file: string, checkpoint: string, model: string | undefined, target: "ts" | "wasm", io: Io): Promise<Record<string, unknown>> {
  const session: Session = await openSession(file, { ...(model ? { model } : {}), target, command: "sample", io });
  const input = session.program.inputs[0];
  const logits = session.program.outputs[0];
  if (session.program.inputs.length !== 1 || !input || input.dtype !== "f32" || perExample(input) !== size) {
    throw new SessionError(`the judge ${session.program.name} must take one f32 input of ${size} values per example (the samples' size)`);
  }
  if (!logits || logits.dtype !== "f32" || logits.shape.length !== 2) throw new SessionError(`the judge ${session.program.name}'s first output must be class logits f32[B, K]`);
  const classifier = await loadModel(session, checkpoint, "sample");
  // Same values per example in the same order: the samples are reshaped to the judge's input by its shape.
  const out = classifier.predict({ [input.name]: images })[logits.name] as Float32Array;
  const k = logits.shape[1]!;
  const j = judgeLogits(out, count, k);
  return { judge: `${session.program.name} (${file})`, histogram: Array.from(j.histogram), entropy: j.entropy, confidence: j.meanConfidence };
}
