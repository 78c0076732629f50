// `dlm reconstruct FILE --checkpoint PATH -o recon.png`: an autoencoder's test images next to their
// reconstructions, as a PNG (rows of inputs, each followed by the row of their reconstructions; with
// --pca K a third row: the K-component PCA reconstruction fitted on the training part). Prints the test
// MSE of the model and, with --pca, of PCA on the same images.

import { imageFromFloats, writePng } from "../../runtime/image/png.js";
import type { Image } from "../../runtime/image/png.js";
import { tileGrid } from "../../runtime/image/grid.js";
import { fitPca, pcaReconstructionMse } from "../../runtime/stats/pca.js";
import type { Io } from "./io.js";
import { checkWritablePath } from "./io.js";
import { intOption, oneOf, parseCommandArgs, UsageError } from "./usage.js";
import { imageShape, loadModel, openSession, perExample, runSession, sessionData, SessionError } from "./session.js";
import type { Session } from "./session.js";
import type { TensorSpec } from "../program/types.js";

export const reconstructHelp = `Usage: dlm reconstruct [options] FILE --checkpoint PATH

Runs FILE's trained autoencoder on its test images and prints the mean squared reconstruction
error; with -o, writes a PNG grid: a row of inputs, then the row of their reconstructions.

Options:
  --checkpoint PATH  the model's weights (dlm train FILE --save PATH)
  -o, --out PATH     the PNG to write
  -n, --count N      images in the grid (default 20, 10 per row)
  --pca K            also reconstruct with K principal components of the training part: a third
                     row in the grid and its test MSE printed (the linear baseline)
  --part NAME        the data part to use (default test)
  --scale N          enlarge every image N times (default 2)
  --model NAME       the train block (when the file has several)
  --target T         ts (default) or wasm
  -h, --help         show this help

Exit codes: 0 ok, 1 errors in the file, its data or the checkpoint, 2 bad invocation.
`;

/** The model's image input and the output of the same size that reconstructs it. */
export function autoencoderIo(session: Session): { input: TensorSpec; recon: TensorSpec } {
  const p = session.program;
  const input = p.inputs.length === 1 ? p.inputs[0] : undefined;
  const recon = input ? p.outputs.find((o) => o.dtype === "f32" && o.name !== "score" && perExample(o) === perExample(input)) : undefined;
  if (!input || input.dtype !== "f32" || !recon) {
    throw new SessionError(`${p.name} is not an autoencoder: it needs one f32 input and an f32 output of the same size`);
  }
  return { input, recon };
}

export async function reconstructCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("reconstruct", args, {
    checkpoint: { type: "string" },
    out: { type: "string", short: "o" },
    count: { type: "string", short: "n" },
    pca: { type: "string" },
    part: { type: "string" },
    scale: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "no input file (try: dlm reconstruct examples/autoencoder.dlm --checkpoint ae.safetensors -o recon.png)" : "reconstruct takes one file", "reconstruct");
  if (values.out !== undefined) checkWritablePath(values.out, "-o", "reconstruct");
  if (values.checkpoint === undefined) throw new UsageError("--checkpoint PATH is required (train first: dlm train FILE --save PATH)", "reconstruct");
  const shown = intOption("count", values.count, "reconstruct", 1) ?? 20;
  const components = intOption("pca", values.pca, "reconstruct", 1);
  const scale = intOption("scale", values.scale, "reconstruct", 1) ?? 2;
  const target = oneOf("target", values.target, ["ts", "wasm"] as const, "reconstruct") ?? "ts";
  const partName = values.part ?? "test";

  return runSession(io, async () => {
    const session = await openSession(positionals[0]!, { ...(values.model ? { model: values.model } : {}), target, command: "reconstruct", io });
    const { input, recon } = autoencoderIo(session);
    const parts = sessionData(session);
    const part = parts[partName];
    if (!part) throw new SessionError(`data '${session.dataName}' has no ${partName} part (have: ${Object.keys(parts).join(", ")})`);
    if (!part.fields.has(input.name)) throw new SessionError(`the ${partName} part has no field '${input.name}' for the model's input`);
    const x = part.field(input.name).data as Float32Array;
    const size = perExample(input);
    const model = await loadModel(session, values.checkpoint!, "reconstruct");
    const y = model.predict({ [input.name]: x })[recon.name] as Float32Array;
    let sum = 0;
    for (let i = 0; i < part.count * size; i++) sum += (y[i]! - x[i]!) ** 2;
    io.out(`${session.program.name}: ${partName} mse ${(sum / (part.count * size)).toFixed(6)} over ${part.count} examples\n`);

    let pcaRecon: Float32Array | undefined;
    if (components !== undefined) {
      const train = parts.train ?? parts.all;
      if (!train) throw new SessionError(`data '${session.dataName}' has no train part to fit PCA on`);
      const pca = fitPca(train.field(input.name).data as Float32Array, train.count, size, components);
      pcaRecon = new Float32Array(part.count * size);
      const mse = pcaReconstructionMse(pca, x, part.count, pcaRecon);
      io.out(`PCA, ${components} components (fitted on ${train.count} train examples): ${partName} mse ${mse.toFixed(6)}\n`);
    }

    if (values.out !== undefined) {
      const shape = imageShape(input);
      if (!shape) throw new SessionError(`the input ${input.name} f32[${input.shape.join(", ")}] is not an image`);
      const n = Math.min(shown, part.count);
      const columns = Math.min(10, n);
      const tile = (v: Float32Array, i: number): Image => imageFromFloats(v, shape.width, shape.height, { channels: shape.channels, layout: "chw", offset: i * size });
      const tiles: Image[] = [];
      for (let start = 0; start < n; start += columns) {
        const row = Array.from({ length: columns }, (_, j) => start + j);
        const blank = (i: number, v: Float32Array): Image => (i < n ? tile(v, i) : tile(new Float32Array(size), 0));
        tiles.push(...row.map((i) => blank(i, x)), ...row.map((i) => blank(i, y)));
        if (pcaRecon) tiles.push(...row.map((i) => blank(i, pcaRecon)));
      }
      writePng(values.out, tileGrid(tiles, { columns, scale }));
      io.out(`wrote ${values.out} (${n} ${partName} images: input row, then reconstruction${pcaRecon ? ", then PCA" : ""})\n`);
    }
    return 0;
  });
}
