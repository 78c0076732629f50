// Truncated backpropagation through time (`truncate: k` on RNN, LSTM, GRU). Its gradient is not the
// derivative of the loss, so the reference is the derivative of a different function: the loss of an Elman
// RNN written here in float64 in which the state entering every k-th step is frozen at its value in the
// unperturbed run. Finite differences of that function are what truncated BPTT must give, for the weights
// and for the inputs. The LSTM and GRU are checked by what truncation means: an input earlier than the
// last chunk gets no gradient from a loss on the last state, and a window as long as the sequence changes
// nothing.

import { describe, expect, it } from "vitest";
import { differentiate } from "../../compiler/autodiff/grad.js";
import { elaborate } from "../../compiler/check/index.js";
import { Builder } from "../../compiler/ir/builder.js";
import { emptyGraph } from "../../compiler/ir/graph.js";
import { evaluate } from "../../compiler/ir/reference.js";
import { verify } from "../../compiler/ir/verify.js";
import { lowerGraph } from "../../compiler/lower/index.js";
import { frontEnd } from "../../compiler/frontend.js";
import { checkSource, randomArray, seeded } from "./helpers.js";

const B = 2;
const T = 5;
const I = 2;
const H = 3;

/** The lowered layer, a loss Σ y·w over its output, and the gradients of the loss by param and input name. */
function lowered(layer: string, outType: string, weights: number[]) {
  const src = `model M {\n input x: f32[B, ${T}, ${I}]\n output y: ${outType}\n y = x |> ${layer}\n}`;
  const el = elaborate(checkSource(src), "M", {}, { B }).model!;
  const b = new Builder(emptyGraph());
  const res = lowerGraph(el, "train", b);
  expect(res.diagnostics).toEqual([]);
  const y = res.values.get(el.outputs[0]!.id)!;
  const loss = b.sum(b.mul(y, b.const(weights, b.shape(y))));
  const sources = [...b.graph.params.map((p) => ({ name: p.name, node: p.node })), ...b.graph.inputs.map((i) => ({ name: i.name, node: i.node }))];
  const d = differentiate(b.graph, { loss, wrt: sources.map((s) => s.node) });
  expect(verify(d.graph)).toEqual([]);
  const params = b.graph.params.map((p) => p.name);
  return {
    params,
    gradients(inputs: Record<string, number[]>, values: Record<string, number[]>): Record<string, number[]> {
      const out = evaluate(d.graph, inputs, values, [...d.gradOf.values()]);
      return Object.fromEntries(sources.map((s) => [s.name, Array.from(out[d.gradOf.get(s.node)!]!.data)]));
    },
  };
}

/** h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), every step's h; `entering[t]` replaces the state entering step t. */
function elman(p: { wih: number[]; whh: number[]; bih: number[]; bhh: number[] }, x: number[], entering: Map<number, number[]> = new Map()): { ys: number[]; states: Map<number, number[]> } {
  const ys = new Array<number>(B * T * H).fill(0);
  const states = new Map<number, number[]>();
  for (let n = 0; n < B; n++) {
    let h = new Array<number>(H).fill(0);
    for (let t = 0; t < T; t++) {
      const frozen = entering.get(t);
      if (frozen) h = frozen.slice(n * H, (n + 1) * H);
      const seen = states.get(t) ?? [];
      seen.push(...h);
      states.set(t, seen);
      const next = new Array<number>(H);
      for (let j = 0; j < H; j++) {
        let z = p.bih[j]! + p.bhh[j]!;
        for (let k = 0; k < I; k++) z += p.wih[j * I + k]! * x[(n * T + t) * I + k]!;
        for (let k = 0; k < H; k++) z += p.whh[j * H + k]! * h[k]!;
        next[j] = Math.tanh(z);
      }
      h = next;
      for (let j = 0; j < H; j++) ys[(n * T + t) * H + j] = h[j]!;
    }
  }
  return { ys, states };
}

describe("truncate: k", () => {
  it("RNN: the gradients are finite differences of the loss with the state frozen at every k-th step (float64)", () => {
    const rand = seeded(11);
    const w = randomArray(B * T * H, () => rand(-1, 1));
    const net = lowered("RNN(3, truncate: 2)", `f32[B, ${T}, ${H}]`, w);
    const role = (name: string) => net.params.find((p) => p.endsWith(name))!;
    const values: Record<string, number[]> = {
      [role("weight_ih")]: randomArray(H * I, () => rand(-1, 1)),
      [role("weight_hh")]: randomArray(H * H, () => rand(-1, 1)),
      [role("bias_ih")]: randomArray(H, () => rand(-1, 1)),
      [role("bias_hh")]: randomArray(H, () => rand(-1, 1)),
    };
    const x = randomArray(B * T * I, () => rand(-1, 1));
    const got = net.gradients({ x }, values);

    const weightsOf = (v: Record<string, number[]>) => ({ wih: v[role("weight_ih")]!, whh: v[role("weight_hh")]!, bih: v[role("bias_ih")]!, bhh: v[role("bias_hh")]! });
    const { states } = elman(weightsOf(values), x);
    const frozen = new Map([2, 4].map((t) => [t, states.get(t)!] as const));
    const loss = (v: Record<string, number[]>, xs: number[]) => elman(weightsOf(v), xs, frozen).ys.reduce((s, y, i) => s + y * w[i]!, 0);
    const eps = 1e-6;
    const fd = (f: (h: number) => number) => (f(eps) - f(-eps)) / (2 * eps);
    const bump = (a: number[], i: number, h: number) => a.map((v, k) => (k === i ? v + h : v));
    for (const name of net.params) {
      values[name]!.forEach((_, i) => {
        const want = fd((h) => loss({ ...values, [name]: bump(values[name]!, i, h) }, x));
        expect(Math.abs(got[name]![i]! - want), `${name}[${i}]`).toBeLessThan(1e-7 + 1e-6 * Math.abs(want));
      });
    }
    x.forEach((_, i) => {
      const want = fd((h) => loss(values, bump(x, i, h)));
      expect(Math.abs(got["x"]![i]! - want), `x[${i}]`).toBeLessThan(1e-7 + 1e-6 * Math.abs(want));
    });
    // and it is not the full gradient: the untruncated layer differs
    const full = lowered("RNN(3)", `f32[B, ${T}, ${H}]`, w).gradients({ x }, values);
    expect(Math.max(...full["x"]!.map((g, i) => Math.abs(g - got["x"]![i]!)))).toBeGreaterThan(1e-3);
  });

  for (const layer of ["LSTM", "GRU"]) {
    it(`${layer}: a loss on the last state reaches only the last chunk's inputs; truncate ≥ T is full BPTT`, () => {
      const rand = seeded(3);
      const w = randomArray(B * H, () => rand(-1, 1));
      const x = randomArray(B * T * I, () => rand(-1, 1));
      const net = lowered(`${layer}(3, return_sequences: false, truncate: 2)`, `f32[B, ${H}]`, w);
      const gates = layer === "LSTM" ? 4 : 3;
      const values = Object.fromEntries(net.params.map((p) => [p, randomArray(sizeOfParam(p, gates), () => rand(-0.5, 0.5))]));
      const gx = net.gradients({ x }, values)["x"]!;
      // chunks {0, 1}, {2, 3}, {4}: only step 4 feeds the last state through an unbroken chain
      for (let n = 0; n < B; n++) {
        for (let t = 0; t < T; t++) {
          const g = gx.slice((n * T + t) * I, (n * T + t + 1) * I);
          if (t < 4) expect(g.every((v) => v === 0), `x[${n}, ${t}]`).toBe(true);
          else expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-4);
        }
      }
      const long = lowered(`${layer}(3, return_sequences: false, truncate: ${T})`, `f32[B, ${H}]`, w).gradients({ x }, values);
      const full = lowered(`${layer}(3, return_sequences: false)`, `f32[B, ${H}]`, w).gradients({ x }, values);
      for (const k of Object.keys(full)) expect(long[k]).toEqual(full[k]);
      expect(full["x"]!.slice(0, I).some((v) => v !== 0)).toBe(true);
    });
  }

  it("truncate below 1 is an error at the argument", () => {
    const fe = frontEnd(`model M {\n input x: f32[B, 5, 2]\n output y: f32[B, 5, 3]\n y = x |> GRU(3, truncate: 0)\n}`, "m.dlm");
    expect(fe.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([
      "DLM2010 4:18 GRU: truncate must be at least 1 step, got 0",
    ]);
  });
});

function sizeOfParam(name: string, gates: number): number {
  if (name.endsWith("weight_ih")) return gates * H * I;
  if (name.endsWith("weight_hh")) return gates * H * H;
  return gates * H;
}
