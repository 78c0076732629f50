// Layer lowerings against hand-written float64 computations: BatchNorm (train with batch statistics and
// running-stat updates, eval with running statistics), LayerNorm, Embedding, RNN/LSTM/GRU (PyTorch gate
// order), self-attention with a causal mask, Conv1d, ConvTranspose2d, patches, ClassToken, sinusoidal
// positional embedding.

import { describe, expect, it } from "vitest";
import { elaborate } from "../../compiler/check/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph } from "../../compiler/ir/graph.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerGraph } from "../../compiler/lower/index.js";
import { checkSource, expectClose, modelGraph, programOf, randomArray, randomParams, run, seeded } from "./helpers.js";

const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe("BatchNorm", () => {
  const src = `model Bn {
    input  x: f32[B, 3, 2, 2]
    output y: f32[B, 3, 2, 2]
    y = x |> BatchNorm(momentum: 0.2)
  }`;
  const rand = seeded(2);
  const x = randomArray(2 * 3 * 4, () => rand(-2, 2));
  const params = { "batch_norm_0.weight": [1.5, 0.5, -1], "batch_norm_0.bias": [0.1, 0.2, 0.3], "batch_norm_0.running_mean": [0.3, -0.2, 0.1], "batch_norm_0.running_var": [2, 0.5, 1.5] };
  const lower = (mode: "train" | "eval") => {
    const checked = checkSource(src);
    const el = elaborate(checked, "Bn", {}, { B: 2 }).model!;
    const b = new Builder(emptyGraph());
    const res = lowerGraph(el, mode, b);
    b.output("y", res.values.get(el.outputs[0]!.id)!);
    for (const u of res.bufferUpdates) b.output(u.state, u.node);
    expect(verify(b.graph)).toEqual([]);
    return run(b.graph, { x }, params);
  };
  const channel = (c: number) => [0, 1].flatMap((n) => [0, 1, 2, 3].map((i) => x[(n * 3 + c) * 4 + i]!));
  const at = (n: number, c: number, i: number) => (n * 3 + c) * 4 + i;

  it("train: batch statistics (biased), running stats updated with the unbiased variance", () => {
    const out = lower("train");
    const want = new Array<number>(24);
    const mean: number[] = [];
    const unbiased: number[] = [];
    for (let c = 0; c < 3; c++) {
      const v = channel(c);
      const mu = v.reduce((a, b) => a + b, 0) / 8;
      const ss = v.reduce((a, b) => a + (b - mu) ** 2, 0);
      mean.push(mu);
      unbiased.push(ss / 7);
      for (let n = 0; n < 2; n++) for (let i = 0; i < 4; i++) {
        want[at(n, c, i)] = ((x[at(n, c, i)]! - mu) / Math.sqrt(ss / 8 + 1e-5)) * params["batch_norm_0.weight"][c]! + params["batch_norm_0.bias"][c]!;
      }
    }
    expectClose(out["y"]!, want, 1e-12);
    expectClose(out["batch_norm_0.running_mean"]!, params["batch_norm_0.running_mean"].map((r, c) => 0.8 * r + 0.2 * mean[c]!), 1e-12);
    expectClose(out["batch_norm_0.running_var"]!, params["batch_norm_0.running_var"].map((r, c) => 0.8 * r + 0.2 * unbiased[c]!), 1e-12);
  });

  it("eval: running statistics, no updates", () => {
    const out = lower("eval");
    const want = x.map((v, k) => {
      const c = Math.floor(k / 4) % 3;
      return ((v - params["batch_norm_0.running_mean"][c]!) / Math.sqrt(params["batch_norm_0.running_var"][c]! + 1e-5)) * params["batch_norm_0.weight"][c]! + params["batch_norm_0.bias"][c]!;
    });
    expectClose(out["y"]!, want, 1e-12);
    expect(Object.keys(out)).toEqual(["y"]);
  });

  it("a BatchNorm applied twice in a step updates its running mean twice, in order", () => {
    const checked = checkSource(`model Bn2 {
      input  x: f32[B, 3, 2, 2]
      output y: f32[B, 3, 2, 2]
      bn = BatchNorm
      y = bn(x) + bn(x * 2)
    }`);
    const el = elaborate(checked, "Bn2", {}, { B: 2 }).model!;
    const b = new Builder(emptyGraph());
    const res = lowerGraph(el, "train", b);
    expect(res.bufferUpdates.map((u) => u.state)).toEqual(["bn.running_mean", "bn.running_var"]);
    b.output("m", res.bufferUpdates[0]!.node);
    const rm = [0.3, -0.2, 0.1];
    const out = run(b.graph, { x }, { "bn.weight": [1, 1, 1], "bn.bias": [0, 0, 0], "bn.running_mean": rm, "bn.running_var": [1, 1, 1] });
    const mu = [0, 1, 2].map((c) => channel(c).reduce((p, q) => p + q, 0) / 8);
    expectClose(out["m"]!, rm.map((r, c) => 0.9 * (0.9 * r + 0.1 * mu[c]!) + 0.1 * 2 * mu[c]!), 1e-12);
  });

  it("a program's train step writes the running stats back as buffer updates", () => {
    const m = programOf(`model M {
      input  image: f32[B, 28, 28]
      output logits: f32[B, 10]
      logits = image |> flatten |> Dense(4) |> BatchNorm |> relu |> Dense(10)
    }
    data D = mnist()
    train M on D { loss cross_entropy(logits, label)  optimizer sgd(lr: 0.1)  batch 4 }`);
    expect(m.state.filter((s) => s.role === "buffer").map((s) => [s.name, s.init.kind])).toEqual([["batch_norm_0.running_mean", "zeros"], ["batch_norm_0.running_var", "ones"]]);
    const updated = m.train!.updates.map((u) => u.state);
    expect(updated).toContain("batch_norm_0.running_mean");
    expect(updated).toContain("batch_norm_0.running_var");
    expect(m.predict.updates).toEqual([]);
  });
});

describe("LayerNorm and Embedding", () => {
  it("LayerNorm normalises the last axis with the biased variance", () => {
    const g = modelGraph(`model L { input x: f32[B, 2, 5]  output y: f32[B, 2, 5]  y = x |> LayerNorm }`, "L", { B: 1 });
    const rand = seeded(4);
    const p = randomParams(g, rand);
    const x = randomArray(10, () => rand(-3, 3));
    const want: number[] = [];
    for (let r = 0; r < 2; r++) {
      const row = x.slice(r * 5, r * 5 + 5);
      const mu = row.reduce((a, b) => a + b, 0) / 5;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 5;
      row.forEach((e, i) => want.push(((e - mu) / Math.sqrt(v + 1e-5)) * p["layer_norm_0.weight"]![i]! + p["layer_norm_0.bias"]![i]!));
    }
    expectClose(run(g, { x }, p)["y"]!, want, 1e-12);
  });

  it("Embedding gathers rows", () => {
    const g = modelGraph(`model E { input ids: i32[B, 3]  output y: f32[B, 3, 2]  y = ids |> Embedding(5, 2) }`, "E", { B: 1 });
    const w = [0, 1, 10, 11, 20, 21, 30, 31, 40, 41];
    expect(run(g, { ids: [4, 0, 2] }, { "embedding_0.weight": w })["y"]).toEqual([40, 41, 0, 1, 20, 21]);
  });
});

describe("recurrent layers against PyTorch's equations", () => {
  const [B, T, I, H] = [2, 3, 2, 3];
  const rand = seeded(8);
  const x = randomArray(B * T * I, () => rand());
  const lin = (w: number[], bias: number[], v: number[], rows: number, cols: number) =>
    Array.from({ length: rows }, (_, r) => bias[r]! + v.reduce((s, vi, c) => s + vi * w[r * cols + c]!, 0));
  const xt = (n: number, t: number) => x.slice((n * T + t) * I, (n * T + t + 1) * I);

  for (const kind of ["RNN", "LSTM", "GRU"] as const) {
    it(kind, () => {
      const g = modelGraph(`model R { input x: f32[B, ${T}, ${I}]  output y: f32[B, ${T}, ${H}]  y = x |> ${kind}(${H}) }`, "R", { B });
      const p = randomParams(g, rand);
      const pre = kind.toLowerCase() + "_0.";
      const [wih, whh, bih, bhh] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((r) => p[pre + r]!) as [number[], number[], number[], number[]];
      const gates = { RNN: 1, LSTM: 4, GRU: 3 }[kind] * H;
      const want: number[] = [];
      for (let n = 0; n < B; n++) {
        let h = new Array<number>(H).fill(0);
        let c = new Array<number>(H).fill(0);
        for (let t = 0; t < T; t++) {
          const a = lin(wih, bih, xt(n, t), gates, I);
          const r = lin(whh, bhh, h, gates, H);
          const part = (v: number[], k: number) => v.slice(k * H, (k + 1) * H);
          if (kind === "RNN") h = a.map((v, k) => Math.tanh(v + r[k]!));
          else if (kind === "LSTM") {
            const z = a.map((v, k) => v + r[k]!);
            const [ig, fg, gg, og] = [part(z, 0).map(sig), part(z, 1).map(sig), part(z, 2).map(Math.tanh), part(z, 3).map(sig)];
            c = c.map((ci, k) => fg[k]! * ci + ig[k]! * gg[k]!);
            h = og.map((o, k) => o * Math.tanh(c[k]!));
          } else {
            const rg = part(a, 0).map((v, k) => sig(v + part(r, 0)[k]!));
            const zg = part(a, 1).map((v, k) => sig(v + part(r, 1)[k]!));
            const ng = part(a, 2).map((v, k) => Math.tanh(v + rg[k]! * part(r, 2)[k]!));
            h = ng.map((nv, k) => (1 - zg[k]!) * nv + zg[k]! * h[k]!);
          }
          want.push(...h);
        }
      }
      expectClose(run(g, { x }, p)["y"]!, want, 1e-12);
    });
  }
});

describe("attention", () => {
  it("causal SelfAttention equals per-head softmax(q·kᵀ/√dh + mask)·v, then out_proj", () => {
    const [T, D, heads] = [3, 4, 2];
    const g = modelGraph(`model A { input x: f32[B, ${T}, ${D}]  output y: f32[B, ${T}, ${D}]  y = x |> SelfAttention(${heads}, causal: true) }`, "A", { B: 1 });
    const rand = seeded(31);
    const p = randomParams(g, rand);
    const x = randomArray(T * D, () => rand());
    const w = p["self_attention_0.in_proj_weight"]!;
    const bias = p["self_attention_0.in_proj_bias"]!;
    const proj = (t: number, off: number) => Array.from({ length: D }, (_, o) => bias[off + o]! + x.slice(t * D, t * D + D).reduce((s, v, i) => s + v * w[(off + o) * D + i]!, 0));
    const q = [0, 1, 2].map((t) => proj(t, 0));
    const k = [0, 1, 2].map((t) => proj(t, D));
    const v = [0, 1, 2].map((t) => proj(t, 2 * D));
    const dh = D / heads;
    const merged: number[][] = [0, 1, 2].map(() => new Array<number>(D).fill(0));
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < T; t++) {
        const scores = [0, 1, 2].map((s) => (s > t ? -Infinity : Array.from({ length: dh }, (_, j) => q[t]![h * dh + j]! * k[s]![h * dh + j]!).reduce((a, b) => a + b, 0) / Math.sqrt(dh)));
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < dh; j++) merged[t]![h * dh + j] = e.reduce((acc, ei, s) => acc + (ei / z) * v[s]![h * dh + j]!, 0);
      }
    }
    const ow = p["self_attention_0.out_proj.weight"]!;
    const ob = p["self_attention_0.out_proj.bias"]!;
    const want = merged.flatMap((row) => Array.from({ length: D }, (_, o) => ob[o]! + row.reduce((s, val, i) => s + val * ow[o * D + i]!, 0)));
    expectClose(run(g, { x }, p)["y"]!, want, 1e-9);
  });
});

describe("ids: one_hot, padding_mask and attention over padded keys", () => {
  it("one_hot puts a 1 at each id; an id outside 0…n−1 gives a row of zeros", () => {
    const g = modelGraph(`model O { input ids: i32[B, 3]  output y: f32[B, 3, 4]  y = one_hot(ids, 4) }`, "O", { B: 2 });
    const ids = [0, 3, 1, 2, 7, -1];
    const want = ids.flatMap((id) => [0, 1, 2, 3].map((k) => (k === id ? 1 : 0)));
    expect(run(g, { ids })["y"]).toEqual(want);
  });

  it("padding_mask is 1 where the id differs from pad", () => {
    const g = modelGraph(`model P { input ids: i32[B, 4]  output a: f32[B, 4]  output b: f32[B, 4]  a = padding_mask(ids)  b = padding_mask(ids, pad: 2) }`, "P", { B: 1 });
    const out = run(g, { ids: [5, 2, 0, 0] });
    expect(out["a"]).toEqual([1, 1, 0, 0]);
    expect(out["b"]).toEqual([1, 0, 1, 1]);
  });

  it("a padding mask makes attention ignore the masked keys: their values do not reach the output", () => {
    const src = `model A { input x: f32[B, 2, 4]  input c: f32[B, 3, 4]  input m: f32[B, 3]  output y: f32[B, 2, 4]
      y = x |> MultiHeadAttention(2, context: c, mask: m) }`;
    const g = modelGraph(src, "A", { B: 2 });
    const rand = seeded(33);
    const p = randomParams(g, rand);
    const x = randomArray(16, () => rand());
    const c = randomArray(24, () => rand());
    const m = [1, 1, 0, 1, 0, 0]; // row 0 keeps keys 0 and 1; row 1 keeps key 0 only
    const y = run(g, { x, c, m }, p)["y"]!;
    // the same queries over only the kept keys, one row at a time, without a mask
    const g1 = modelGraph(`model A { input x: f32[B, 2, 4]  input c: f32[B, K, 4]  output y: f32[B, 2, 4]  y = x |> MultiHeadAttention(2, context: c) }`, "A", { B: 1, K: 2 });
    const g0 = modelGraph(`model A { input x: f32[B, 2, 4]  input c: f32[B, K, 4]  output y: f32[B, 2, 4]  y = x |> MultiHeadAttention(2, context: c) }`, "A", { B: 1, K: 1 });
    expectClose(y.slice(0, 8), run(g1, { x: x.slice(0, 8), c: c.slice(0, 8) }, p)["y"]!, 1e-9);
    expectClose(y.slice(8), run(g0, { x: x.slice(8), c: c.slice(12, 16) }, p)["y"]!, 1e-9);
  });

  it("SelfAttention takes a padding mask over its own steps, with the causal mask", () => {
    const g = modelGraph(`model S { input x: f32[B, 3, 4]  input m: f32[B, 3]  output y: f32[B, 3, 4]  y = x |> SelfAttention(1, causal: true, mask: m) }`, "S", { B: 1 });
    const rand = seeded(34);
    const p = randomParams(g, rand);
    const x = randomArray(12, () => rand());
    const changed = [...x.slice(0, 4), ...x.slice(4, 8).map((v) => v + 5), ...x.slice(8)];
    const a = run(g, { x, m: [1, 0, 1] }, p)["y"]!;
    const b = run(g, { x: changed, m: [1, 0, 1] }, p)["y"]!;
    // step 1's key and value are masked for every query, so no output sees the change; unmasked, step 2
    // (which may look back at step 1) does
    expectClose(b, a, 1e-9);
    const open = run(g, { x: changed, m: [1, 1, 1] }, p)["y"]!;
    expect(Math.abs(open[8]! - run(g, { x, m: [1, 1, 1] }, p)["y"]![8]!)).toBeGreaterThan(1e-3);
  });
});

describe("other layers and functions", () => {
  it("Conv1d is a cross-correlation over the length axis", () => {
    const g = modelGraph(`model C { input x: f32[B, 2, 5]  output y: f32[B, 3, 3]  y = x |> Conv1d(3, kernel: 3) }`, "C", { B: 1 });
    const rand = seeded(40);
    const p = randomParams(g, rand);
    const x = randomArray(10, () => rand());
    const w = p["conv1d_0.weight"]!;
    const want: number[] = [];
    for (let o = 0; o < 3; o++) for (let l = 0; l < 3; l++) {
      let s = p["conv1d_0.bias"]![o]!;
      for (let c = 0; c < 2; c++) for (let k = 0; k < 3; k++) s += x[c * 5 + l + k]! * w[(o * 2 + c) * 3 + k]!;
      want.push(s);
    }
    expectClose(run(g, { x }, p)["y"]!, want, 1e-12);
  });

  it("ConvTranspose2d scatters each input pixel times the [in, out, k, k] weight (stride 2)", () => {
    const g = modelGraph(`model T { input x: f32[B, 2, 2, 2]  output y: f32[B, 3, 4, 4]  y = x |> ConvTranspose2d(3, kernel: 2, stride: 2) }`, "T", { B: 1 });
    const rand = seeded(41);
    const p = randomParams(g, rand);
    const x = randomArray(8, () => rand());
    const w = p["conv_transpose2d_0.weight"]!;
    const want = new Array<number>(48).fill(0).map((_, k) => p["conv_transpose2d_0.bias"]![Math.floor(k / 16)]!);
    for (let ci = 0; ci < 2; ci++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++)
      for (let o = 0; o < 3; o++) for (let a = 0; a < 2; a++) for (let c = 0; c < 2; c++)
        want[(o * 4 + 2 * i + a) * 4 + 2 * j + c]! += x[(ci * 2 + i) * 2 + j]! * w[((ci * 3 + o) * 2 + a) * 2 + c]!;
    expectClose(run(g, { x }, p)["y"]!, want, 1e-12);
  });

  it("patches flattens each p×p patch channel-major, patches in row-major order", () => {
    const g = modelGraph(`model P { input x: f32[B, 2, 4, 4]  output y: f32[B, 4, 8]  y = patches(x, 2) }`, "P", { B: 1 });
    const x = Array.from({ length: 32 }, (_, i) => i);
    const want: number[] = [];
    for (const [pi, pj] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const)
      for (let c = 0; c < 2; c++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) want.push(x[(c * 4 + 2 * pi + a) * 4 + 2 * pj + b]!);
    expect(run(g, { x })["y"]).toEqual(want);
  });

  it("ClassToken prepends the token; sinusoidal PositionalEmbedding adds sin/cos", () => {
    const g = modelGraph(`model V { input x: f32[B, 2, 4]  output y: f32[B, 3, 4]  y = x |> PositionalEmbedding(max: 8, kind: sinusoidal) |> ClassToken }`, "V", { B: 1 });
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const token = [9, 8, 7, 6];
    const pe = (t: number, i: number) => (i % 2 === 0 ? Math.sin : Math.cos)(t / Math.pow(10000, (2 * Math.floor(i / 2)) / 4));
    const want = [...token, ...x.map((v, k) => v + pe(Math.floor(k / 4), k % 4))];
    expectClose(run(g, { x }, { "class_token_0.token": token })["y"]!, want, 1e-12);
  });

  it("bilinear upsample matches torch (align_corners=False)", () => {
    const g = modelGraph(`model U { input x: f32[B, 1, 2, 2]  output y: f32[B, 1, 4, 4]  y = upsample(x, 2, mode: bilinear) }`, "U", { B: 1 });
    // torch.nn.functional.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), scale_factor=2, mode="bilinear")
    const want = [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4];
    expectClose(run(g, { x: [1, 2, 3, 4] })["y"]!, want, 1e-12);
  });

  it("nearest upsample and pooling on [B, C, L] run the 2-d kernels on a height-1 image", () => {
    const g = modelGraph(`model U { input x: f32[B, 1, 4]  output y: f32[B, 1, 4]  y = x |> max_pool(2) |> upsample(2) }`, "U", { B: 1 });
    expect(run(g, { x: [1, 5, 3, 2] })["y"]).toEqual([5, 5, 3, 3]);
  });
});

describe("spans and names", () => {
  it("every computed node points into the .dlm file; layer outputs are named after their paths", () => {
    const g = modelGraph(`model M {
      input  x: f32[B, 4]
      output y: f32[B, 2]
      hidden = Dense(3)
      y = x |> hidden |> relu |> Dense(2)
    }`, "M", { B: 2 });
    const computed = g.nodes.filter((n) => n.op !== "input");
    expect(computed.every((n) => n.span !== undefined && n.span.file === "test.dlm")).toBe(true);
    expect(g.nodes.some((n) => n.name === "hidden" && n.op !== "param")).toBe(true);
    const y = g.nodes[g.outputs[0]!.node]!;
    expect(y.name).toBe("dense_0");
    expect(y.span!.start.line).toBe(5);
  });
});
