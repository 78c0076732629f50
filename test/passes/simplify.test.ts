// simplify: one case per rule (golden before/after, verifier, float64 outputs equal on random values),
// the float-semantics choices (x*0 kept for NaN, overflow not folded), constant folding limits, random
// ops never folded, spans and names kept, and the pass on an MLP training step.

import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.js";
import { evaluateOutputs } from "../../compiler/ir/reference.js";
import { FOLD_LIMIT } from "../../compiler/passes/fold-constants.js";
import { simplify, simplifyPass } from "../../compiler/passes/simplify.js";
import { optimizeStep } from "../../compiler/pipeline.js";
import { sourceFile, spanAt } from "../../grammar/source.js";
import type { PassCase } from "./cases.js";
import { build, liveOps, runCase } from "./cases.js";
import { expectSameValues, MLP_SMALL, mlpTrainStep } from "./helpers.js";

const after = (g: Graph) => simplify(g, { afterAutodiff: true });
const outNode = (g: Graph, name: string) => g.nodes[g.outputs.find((o) => o.name === name)!.node]!;

const cases: PassCase[] = [
  {
    name: "add-sub-zero",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      const small = b.input("small", [3]);
      b.output("x_plus_0", b.add(x, b.scalar(0)));
      b.output("0_plus_x", b.add(b.const([0, 0, 0], [3]), x));
      b.output("x_minus_0", b.sub(x, b.scalar(-0)));
      b.output("0_minus_x", b.sub(b.scalar(0), x));
      b.output("broadcasting", b.add(small, b.const([0], [2, 3])));
    },
    check: (g) => {
      for (const name of ["x_plus_0", "0_plus_x", "x_minus_0"]) expect(outNode(g, name).op, name).toBe("input");
      expect(outNode(g, "0_minus_x").op).toBe("neg");
      expect(outNode(g, "broadcasting").op, "x+0 that broadcasts x stays").toBe("add");
    },
  },
  {
    name: "mul-div-one",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      b.output("x_times_1", b.mul(x, b.scalar(1)));
      b.output("1_times_x", b.mul(b.scalar(1), x));
      b.output("x_over_1", b.div(x, b.scalar(1)));
      b.output("x_times_minus_1", b.mul(x, b.scalar(-1)));
      b.output("x_times_0", b.mul(x, b.scalar(0)));
    },
    check: (g) => {
      for (const name of ["x_times_1", "1_times_x", "x_over_1"]) expect(outNode(g, name).op, name).toBe("input");
      expect(outNode(g, "x_times_minus_1").op).toBe("neg");
      expect(outNode(g, "x_times_0").op, "x*0 is kept (NaN, Inf)").toBe("mul");
    },
  },
  {
    name: "neg-neg-relu-pow",
    build: (b) => {
      const x = b.input("x", [4]);
      b.output("negneg", b.neg(b.neg(x)));
      b.output("relurelu", b.unary("relu", b.unary("relu", x)));
      b.output("pow1", b.pow(x, 1));
      b.output("max_xx", b.binary("maximum", x, x));
    },
    check: (g) => {
      expect(outNode(g, "negneg").op).toBe("input");
      expect(outNode(g, "pow1").op).toBe("input");
      expect(outNode(g, "max_xx").op).toBe("input");
      expect(liveOps(g)).toEqual(["relu"]);
    },
  },
  {
    name: "reshape",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      b.output("chain", b.reshape(b.reshape(b.reshape(x, [6]), [1, 6]), [3, 2]));
      b.output("round_trip", b.reshape(b.reshape(x, [6]), [2, 3]));
      b.output("same", b.reshape(x, [2, 3]));
    },
    check: (g) => {
      const chain = outNode(g, "chain");
      expect(chain.op).toBe("reshape");
      expect(g.nodes[chain.inputs[0]!]!.op).toBe("input");
      expect(outNode(g, "round_trip").op).toBe("input");
      expect(outNode(g, "same").op).toBe("input");
    },
  },
  {
    name: "transpose",
    build: (b) => {
      const x = b.input("x", [2, 3, 4]);
      b.output("inverse", b.transpose(b.transpose(x, [1, 2, 0]), [2, 0, 1]));
      b.output("composed", b.transpose(b.transpose(x, [1, 0, 2]), [0, 2, 1]));
      b.output("identity", b.transpose(x, [0, 1, 2]));
    },
    check: (g) => {
      expect(outNode(g, "inverse").op).toBe("input");
      expect(outNode(g, "identity").op).toBe("input");
      const c = outNode(g, "composed");
      expect(c.op === "transpose" && c.attrs.perm).toEqual([1, 2, 0]);
      expect(g.nodes[c.inputs[0]!]!.op).toBe("input");
    },
  },
  {
    name: "broadcast",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      const y = b.input("y", [3]);
      b.output("same", b.broadcastTo(x, [2, 3]));
      b.output("chain", b.broadcastTo(b.broadcastTo(y, [2, 3]), [4, 2, 3]));
    },
    check: (g) => {
      expect(outNode(g, "same").op).toBe("input");
      expect(g.nodes[outNode(g, "chain").inputs[0]!]!.op).toBe("input");
    },
  },
  {
    name: "reduce-unit-axes",
    build: (b) => {
      const x = b.input("x", [2, 1, 3]);
      b.output("sum_none", b.sum(x, []));
      b.output("sum_keep", b.sum(x, [1], true));
      b.output("mean_drop", b.mean(x, [1]));
      b.output("max_drop", b.max(x, [1]));
      b.output("sum_real", b.sum(x, [0, 1]));
      b.output("unbroadcast", b.reshape(b.sum(x, [0], true), [1, 3]));
      b.output("keep_reshaped", b.reshape(b.sum(x, [0], true), [3]));
    },
    check: (g) => {
      expect(outNode(g, "sum_none").op).toBe("input");
      expect(outNode(g, "sum_keep").op).toBe("input");
      expect(outNode(g, "mean_drop").op).toBe("reshape");
      expect(outNode(g, "max_drop").op).toBe("reshape");
      expect(outNode(g, "sum_real").op).toBe("sum");
      const u = outNode(g, "unbroadcast");
      expect(u.op === "sum" && u.attrs).toEqual({ axes: [0], keepdims: false });
      expect(outNode(g, "keep_reshaped").op, "reshape [1, 1, 3] → [3] is not the keepdims drop").toBe("reshape");
    },
  },
  {
    name: "relu-mask",
    build: (b) => {
      const h = b.input("h", [2, 3]);
      const dy = b.input("dy", [2, 3]);
      b.output("y", b.unary("relu", h));
      b.output("dx", b.mul(dy, b.binary("greater", h, b.scalar(0))));
      b.output("other", b.binary("greater", b.input("z", [3]), b.scalar(0)));
    },
    check: (g) => {
      const dx = g.nodes[g.outputs[1]!.node]!;
      const mask = g.nodes[dx.inputs[1]!]!;
      expect(mask.op).toBe("greater");
      expect(g.nodes[mask.inputs[0]!]!.op, "the mask reads relu(h)").toBe("relu");
      const other = g.nodes[g.outputs[2]!.node]!;
      expect(g.nodes[other.inputs[0]!]!.op, "no relu of z: unchanged").toBe("input");
    },
  },
  {
    name: "stop-gradient",
    build: (b) => {
      const x = b.input("x", [3]);
      b.output("y", b.exp(b.stopGradient(x)));
    },
    check: (g) => expect(liveOps(g)).toEqual(["exp"]),
  },
  {
    name: "scalar-chains",
    build: (b) => {
      const x = b.input("x", [2, 3]);
      b.output("a_b_x", b.mul(b.scalar(2), b.mul(b.scalar(3), x)));
      b.output("x_b_a", b.mul(b.mul(x, b.scalar(0.5)), b.const([4], [1, 1])));
      b.output("neg_scaled", b.neg(b.scale(x, 0.25)));
      b.output("scaled_neg", b.scale(b.neg(x), 3));
      b.output("overflow", b.scale(b.scale(x, 1e30), 1e30));
    },
    check: (g) => {
      const scalar = (name: string) => {
        const n = outNode(g, name);
        expect(n.op, name).toBe("mul");
        expect(g.nodes[n.inputs[0]!]!.op, name).toBe("input");
        const c = g.nodes[n.inputs[1]!]!;
        return c.op === "const" ? c.attrs.values : undefined;
      };
      expect(scalar("a_b_x")).toEqual([6]);
      expect(scalar("x_b_a")).toEqual([2]);
      expect(scalar("neg_scaled")).toEqual([-0.25]);
      expect(scalar("scaled_neg")).toEqual([-3]);
      const o = outNode(g, "overflow");
      expect(g.nodes[o.inputs[0]!]!.op, "1e30·1e30 overflows f32: both muls stay").toBe("mul");
    },
  },
  {
    name: "select",
    build: (b) => {
      const c = b.input("c", [3]);
      const x = b.input("x", [3]);
      const y = b.input("y", [3]);
      b.output("same_branches", b.select(c, x, x));
      b.output("true_cond", b.select(b.scalar(1), x, y));
      b.output("false_cond", b.select(b.const([0], [3]), x, y));
    },
    check: (g) => {
      expect(outNode(g, "same_branches").attrs).toEqual({ name: "x", shape: [3], dtype: "f32" });
      expect(outNode(g, "true_cond").attrs).toEqual({ name: "x", shape: [3], dtype: "f32" });
      expect(outNode(g, "false_cond").attrs).toEqual({ name: "y", shape: [3], dtype: "f32" });
    },
  },
  {
    name: "const-fold",
    build: (b) => {
      const x = b.input("x", [3]);
      const k = b.input("k", [], "i32");
      const c = b.add(b.const([1, 2, 3], [3]), b.const([4, 5, 6], [3]));
      b.output("folded", c);
      b.output("used", b.mul(x, b.exp(b.const([0, 1, 2], [3]))));
      b.output("ints", b.mul(b.const([3, -7], [2], "i32"), b.scalar(2, "i32")));
      b.output("matmul", b.matmul(b.const([1, 2, 3, 4], [2, 2]), b.const([1, 0, 0, 1], [2, 2])));
      b.output("reduce", b.sum(b.const([1, 2, 3, 4], [2, 2]), [1]));
      b.output("random", b.randomUniform(b.scalar(7, "i32"), [2], 0));
      b.output("random_k", b.randomUniform(k, [2], 1));
    },
    check: (g) => {
      const values = (name: string) => {
        const n = outNode(g, name);
        return n.op === "const" ? n.attrs.values : n.op;
      };
      expect(values("folded")).toEqual([5, 7, 9]);
      expect(values("ints")).toEqual([6, -14]);
      expect(values("matmul")).toEqual([1, 2, 3, 4]);
      expect(values("reduce")).toEqual([3, 7]);
      expect(values("random"), "random ops are never folded").toBe("random_uniform");
      const used = outNode(g, "used");
      const e = g.nodes[used.inputs[1]!]!;
      expect(e.op === "const" && e.attrs.values).toEqual([1, Math.fround(Math.E), Math.fround(Math.exp(2))]);
    },
  },
  {
    name: "gradient-seed",
    build: (b) => {
      // What autodiff emits for the loss −mean(v) over a batch of 64: seed −1·(1/64), broadcast back.
      const v = b.input("v", [64]);
      const seed = b.broadcastTo(b.reshape(b.mul(b.neg(b.scalar(1)), b.scalar(1 / 64)), [1]), [64]);
      b.output("grad", b.mul(seed, v));
    },
    check: (g) => {
      const grad = outNode(g, "grad");
      const seed = g.nodes[grad.inputs[0]!]!;
      expect(seed.op === "const" && seed.attrs).toEqual({ values: [-1 / 64], shape: [64], dtype: "f32" });
    },
  },
];

describe("simplify rules", () => {
  for (const c of cases) it(c.name, async () => {
    await runCase(c, simplifyPass);
  });
});

describe("simplify choices", () => {
  it("keeps x*0, so NaN and Inf still propagate", () => {
    const g = build({ name: "nan", build: (b) => { b.output("y", b.mul(b.input("x", [3]), b.scalar(0))); } });
    const out = evaluateOutputs(after(g), { x: [Number.NaN, Number.POSITIVE_INFINITY, 2] })["y"]!.data;
    expect(Number.isNaN(out[0]!)).toBe(true);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(out[2]).toBe(0);
  });

  it("keeps stop_gradient before autodiff", () => {
    const g = build({ name: "sg", build: (b) => { b.output("y", b.stopGradient(b.input("x", [3]))); } });
    expect(liveOps(simplify(g, { afterAutodiff: false }))).toEqual(["stop_gradient"]);
    expect(liveOps(after(g))).toEqual([]);
  });

  it("folds non-splat results only up to FOLD_LIMIT elements, splats at any size", () => {
    const big = FOLD_LIMIT + 1;
    const g = build({
      name: "limit",
      build: (b) => {
        const ramp = Array.from({ length: big }, (_, i) => i);
        b.output("small", b.neg(b.const(ramp.slice(0, FOLD_LIMIT), [FOLD_LIMIT])));
        b.output("large", b.neg(b.const(ramp, [big])));
        b.output("splat", b.exp(b.broadcastTo(b.scalar(0), [100, 100])));
      },
    });
    const s = after(g);
    expect(outNode(s, "small").op).toBe("const");
    expect(outNode(s, "large").op).toBe("neg");
    const splat = outNode(s, "splat");
    expect(splat.op === "const" && splat.attrs).toEqual({ values: [1], shape: [100, 100], dtype: "f32" });
  });

  it("leaves a const op the reference rejects (an index out of range) to fail at run time", () => {
    const g = build({
      name: "range",
      build: (b) => { b.output("y", b.gather(b.const([1, 2, 3, 4], [2, 2]), b.const([0, 5], [2], "i32"))); },
    });
    expect(liveOps(after(g))).toEqual(["const", "const", "gather"]);
  });

  it("gives a replacement the span and name of the node it replaces", () => {
    const file = sourceFile("t.dlm", "abcdefghij");
    const g = build({
      name: "spans",
      build: (b) => {
        const x = b.at(spanAt(file, 0, 1), () => b.input("x", [2, 3]));
        const inner = b.at(spanAt(file, 2, 3), () => b.reshape(x, [6]));
        const outer = b.at(spanAt(file, 4, 5), () => b.reshape(inner, [3, 2]));
        b.graph.nodes[outer]!.name = "flat";
        b.output("y", outer);
        b.output("z", b.at(spanAt(file, 6, 7), () => b.mul(x, b.scalar(1))));
      },
    });
    const s = after(g);
    const y = outNode(s, "y");
    expect(y.span?.start.offset).toBe(4);
    expect(y.name).toBe("flat");
    expect(outNode(s, "z").span?.start.offset, "x*1 forwards to x, which keeps its own span").toBe(0);
  });

  it("keeps every input and param, used or not", () => {
    const g = build({
      name: "unused",
      build: (b) => {
        b.input("unused_input", [2]);
        b.param("unused_param", [2]);
        b.output("y", b.scale(b.input("x", [2]), 1));
      },
    });
    const s = after(g);
    expect(s.inputs.map((i) => i.name)).toEqual(["unused_input", "x"]);
    expect(s.params.map((p) => p.name)).toEqual(["unused_param"]);
  });

  it("preserves the MLP training step's loss and updates", () => {
    const step = mlpTrainStep(MLP_SMALL);
    const r = optimizeStep(step, { passes: [simplifyPass], verify: true });
    const live = (st: typeof step) => liveOps({ ...st.graph, outputs: [...st.graph.outputs, ...st.updates.map((u) => ({ name: u.state, node: u.node }))] });
    // The gradient seed (const 1, neg, const 1/4, mul, reshape, broadcast_to) folds into one const (−5) and
    // both bias gradients' sum(keepdims) + reshape become one sum (−2); the dead nodes stay for dce.
    expect(live(r.step).length).toBe(live(step).length - 7);
    expectSameValues(step, r.step, [1, 2, 3], MLP_SMALL.classes);
  });
});

describe("simplify movement rules", () => {
  it("drops broadcast_to before an op that broadcasts by itself", async () => {
    await runCase({
      name: "implicit-broadcast",
      build: (b) => {
        const x = b.input("x", [2, 3]);
        const row = b.input("row", [3]);
        b.output("mul", b.mul(b.broadcastTo(row, [2, 3]), x));
        b.output("select", b.select(b.broadcastTo(b.input("c", [1, 3]), [2, 3]), x, b.broadcastTo(row, [2, 3])));
        b.output("needed", b.add(b.broadcastTo(row, [4, 2, 3]), x));
      },
      check: (g) => {
        expect(liveOps(g)).toEqual(["mul", "select", "broadcast_to", "add"]);
      },
    }, simplifyPass);
  });

  it("turns the slice gradient (a sum of side-by-side pads) into one concat", async () => {
    await runCase({
      name: "pads-to-concat",
      build: (b) => {
        const [q, k, v] = ["q", "k", "v"].map((name) => b.input(name, [2, 4, 3]));
        const pq = b.pad(q!, [[0, 0], [0, 0], [0, 6]]);
        const pk = b.pad(k!, [[0, 0], [0, 0], [3, 3]]);
        const pv = b.pad(v!, [[0, 0], [0, 0], [6, 0]]);
        b.output("qkv", b.add(b.add(pv, pk), pq));
        b.output("gap", b.add(b.pad(q!, [[0, 0], [0, 0], [0, 4]]), b.pad(k!, [[0, 0], [0, 0], [4, 0]])));
        b.output("pad_pad", b.pad(b.pad(q!, [[1, 0], [0, 0], [0, 0]]), [[0, 2], [0, 0], [1, 1]]));
        b.output("pad_zero", b.pad(v!, [[0, 0], [0, 0], [0, 0]]));
      },
      check: (g) => {
        const qkv = g.nodes[g.outputs[0]!.node]!;
        expect(qkv.op).toBe("concat");
        expect(qkv.inputs.map((i) => g.nodes[i]!.op === "input" && g.nodes[i]!.attrs.name)).toEqual(["q", "k", "v"]);
        expect(g.nodes[g.outputs[1]!.node]!.op, "pads that leave a gap stay").toBe("add");
        const pp = g.nodes[g.outputs[2]!.node]!;
        expect(pp.op === "pad" && pp.attrs.pads).toEqual([[1, 2], [0, 0], [1, 1]]);
        expect(g.nodes[g.outputs[3]!.node]!.op).toBe("input");
      },
    }, simplifyPass);
  });

  it("flattens nested concats on the same axis", async () => {
    await runCase({
      name: "concat",
      build: (b) => {
        const [x, y, z] = ["x", "y", "z"].map((name) => b.input(name, [2, 2]));
        b.output("flat", b.concat([x!, b.concat([y!, z!], 1)], 1));
        b.output("other_axis", b.concat([b.concat([y!, z!], 0), b.concat([x!, x!], 0)], 1));
        b.output("single", b.concat([x!], 0));
      },
      check: (g) => {
        const flat = g.nodes[g.outputs[0]!.node]!;
        expect(flat.inputs).toHaveLength(3);
        const other = g.nodes[g.outputs[1]!.node]!;
        expect(other.inputs.map((i) => g.nodes[i]!.op)).toEqual(["concat", "concat"]);
        expect(g.nodes[g.outputs[2]!.node]!.op).toBe("input");
      },
    }, simplifyPass);
  });
});
