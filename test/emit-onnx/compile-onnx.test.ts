// `dlm compile --target onnx`, called as the dispatcher calls it: the file it writes decodes to the model's
// graph, a checkpoint's tensors become the initializers, and every failure is one message with the
// right exit code (DLM4020 with a code frame for an op that has no ONNX form).

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run.js";
import { loadCompiled } from "../../compiler/emit/ts/load.js";
import { REPO, lowerExample } from "../emit/examples.js";
import { decodeModel } from "./decode.js";

const compile = (...args: string[]) => runCli("compile", ...args);

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dlm-onnx-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("dlm compile --target onnx", () => {
  it("writes DIR/<file>.onnx with a symbolic batch and the initial weights of the train block's seed", async () => {
    const r = await compile(join(REPO, "examples/mlp.dlm"), "--target", "onnx", "-o", dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/wrote .*mlp\.onnx \(Mlp\.predict, 4 nodes, batch B, initial weights, seed 42\)/);
    const m = decodeModel(await readFile(join(dir, "mlp.onnx")));
    expect(m.graph.inputs.map((i) => [i.name, i.shape])).toEqual([["image", ["B", 28, 28]]]);
    expect(m.metadata["dlm.source"]).toContain("mlp.dlm");
  });

  it("--checkpoint puts the checkpoint's tensors in the graph", async () => {
    const program = lowerExample("mlp", 64).program;
    const cls = (await loadCompiled(program)).Mlp as { create(o: { seed: number }): Promise<{ save(p: string): Promise<void>; parameters(): Record<string, Float32Array> }> };
    const trained = await cls.create({ seed: 11 });
    const path = join(dir, "mlp.safetensors");
    await trained.save(path);
    const r = await compile(join(REPO, "examples/mlp.dlm"), "--target=onnx", "-o", join(dir, "ckpt"), "--checkpoint", path);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`weights of ${path}`);
    const m = decodeModel(await readFile(join(dir, "ckpt", "mlp.onnx")));
    const params = trained.parameters();
    for (const name of ["hidden.weight", "dense_0.bias"]) {
      const init = m.graph.initializers.find((t) => t.name === name)!;
      expect(init.values).toEqual(Array.from(params[name]!));
    }
  });

  it("a checkpoint of another model, or none at that path, is one message and exit 2", async () => {
    const program = lowerExample("cnn", 64).program;
    const cls = (await loadCompiled(program)).Cnn as { create(o: { seed: number }): Promise<{ save(p: string): Promise<void> }> };
    const path = join(dir, "cnn.safetensors");
    await (await cls.create({ seed: 1 })).save(path);
    const wrong = await compile(join(REPO, "examples/mlp.dlm"), "--target", "onnx", "-o", dir, "--checkpoint", path);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^dlm compile: .*cnn\.safetensors: no tensor "hidden\.weight" \(it was saved from model Cnn, not Mlp\)\n$/);
    const missing = await compile(join(REPO, "examples/mlp.dlm"), "--target", "onnx", "--checkpoint", join(dir, "nope.safetensors"));
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it("--seed and --checkpoint together, or a bad --batch, are usage errors", async () => {
    expect((await compile(join(REPO, "examples/mlp.dlm"), "--target", "onnx", "--seed", "1", "--checkpoint", "x")).code).toBe(2);
    expect((await compile(join(REPO, "examples/mlp.dlm"), "--target", "onnx", "--batch", "0")).code).toBe(2);
  });

  it("an op with no ONNX form (a random draw in the forward pass) is DLM4020 at its position, exit 1", async () => {
    const file = join(dir, "noisy.dlm");
    await writeFile(file, `model Noisy {
  input  image: f32[B, 784]
  output y: f32[B, 2]

  y = (image + normal([B, 784], std: 0.1)) |> Dense(2)
}

data Flat = mnist() |> map(image: reshape(image, [784]))

train Noisy on Flat {
  loss      mean(square(y))
  optimizer sgd(lr: 0.1)
  batch     8
  epochs    1
}
`);
    const r = await compile(file, "--target", "onnx", "-o", join(dir, "noisy"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/noisy\.dlm:5:16: error DLM4020: Noisy: random_normal has no ONNX export/);
    expect(r.stderr).toContain("> 5 |");
    expect(r.stderr).not.toContain("wrote");
  });
});
