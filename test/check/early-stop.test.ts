// early_stop's monitor and direction: the monitor names the loss or a metric of the block (a val_ prefix
// is allowed), its direction comes from the catalogue (accuracy, top_k, mean_iou, detection_map,
// mask_map: max), min for the loss and `name: expr` metrics, and `mode: min | max` overrides it.

import { describe, expect, test } from "vitest";
import { functionList } from "../../compiler/check/catalogue/index.js";
import { checkText, diagLines } from "./helpers.js";

const block = (early: string, metrics = "accuracy(logits, label), top_k(logits, label, k: 2), err: mean(softmax(logits)), acc: accuracy(logits, label)") => `
model M {
  input  image: f32[B, 28, 28]
  output logits: f32[B, 10]
  logits = image |> flatten |> Dense(10)
}
data D = mnist() |> split(train: 0.8, validation: 0.1, test: 0.1)
train M on D {
  loss      cross_entropy(logits, label)
  optimizer sgd(lr: 0.1)
  metrics   ${metrics}
  validate  every: 1, ${early}
}
`;

function earlyStop(early: string, metrics?: string) {
  const r = checkText(block(early, metrics));
  expect(diagLines(r)).toEqual([]);
  return r.program.trains[0]!.validate?.earlyStop;
}

describe("early_stop", () => {
  test("the direction of a catalogue metric, the loss and a user metric", () => {
    expect(earlyStop("early_stop(patience: 2)")).toEqual({ patience: 2, monitor: "loss", mode: "min" });
    expect(earlyStop(`early_stop(patience: 2, monitor: "accuracy")`)).toEqual({ patience: 2, monitor: "accuracy", mode: "max" });
    expect(earlyStop(`early_stop(patience: 2, monitor: "val_top_k")`)).toEqual({ patience: 2, monitor: "top_k", mode: "max" });
    expect(earlyStop(`early_stop(patience: 2, monitor: "validation.loss")`)).toEqual({ patience: 2, monitor: "loss", mode: "min" });
    // A metric named otherwise keeps its function's direction; an expression is minimised.
    expect(earlyStop(`early_stop(patience: 2, monitor: "acc")`)?.mode).toBe("max");
    expect(earlyStop(`early_stop(patience: 2, monitor: "err")`)?.mode).toBe("min");
    // A loss function used as a metric is an error to minimise too.
    expect(earlyStop(`early_stop(patience: 2, monitor: "ce")`, "ce: cross_entropy(logits, label)")?.mode).toBe("min");
  });

  test("mode: min | max overrides the direction", () => {
    expect(earlyStop(`early_stop(patience: 4, monitor: "err", mode: max)`)).toEqual({ patience: 4, monitor: "err", mode: "max" });
    expect(earlyStop(`early_stop(patience: 4, monitor: "accuracy", mode: min)`)?.mode).toBe("min");
    expect(earlyStop(`early_stop(patience: 4, mode: max)`)).toEqual({ patience: 4, monitor: "loss", mode: "max" });
  });

  test("every metric entry of the catalogue declares its direction", () => {
    const metrics = functionList.filter((f) => f.kind === "metric");
    expect(metrics.map((m) => m.name).sort()).toEqual(["accuracy", "detection_map", "mask_map", "mean_iou", "top_k"]);
    expect(metrics.filter((m) => m.better !== "higher").map((m) => m.name)).toEqual([]);
  });

  test("an unknown monitor is a diagnostic at its argument, with the names it could be", () => {
    const r = checkText(block(`early_stop(patience: 2, monitor: "val_acuracy")`));
    expect(diagLines(r)).toEqual([
      `DLM3009 12:56 early_stop: monitor 'val_acuracy' is not the loss or a metric of this block (loss, accuracy, top_k, err, acc); did you mean 'accuracy'?`,
    ]);
    expect(r.program.trains[0]!.validate).toEqual({ every: 1 });
  });

  test("a metric with errors is not reported again as an unknown monitor", () => {
    const r = checkText(block(`early_stop(patience: 2, monitor: "bad")`, "bad: nosuch(logits)"));
    const lines = diagLines(r);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes("early_stop"))).toEqual([]);
  });

  test("a bad mode is a diagnostic", () => {
    const r = checkText(block(`early_stop(patience: 2, mode: "max")`));
    expect(diagLines(r)).toEqual([`DLM2001 12:53 early_stop argument 'mode' expects one of min, max, got the string "max"`]);
    const r2 = checkText(block(`early_stop(patience: 2, mode: up)`));
    expect(diagLines(r2).map((l) => l.split(" ")[0])).toEqual(["DLM2001"]);
  });

  test("the step form has no validation figure to watch", () => {
    const r = checkText(`
model G {
  input  z: f32[B, 4]
  output x: f32[B, 784]
  x = z |> Dense(784)
}
data D = mnist() |> split(train: 0.8, validation: 0.2)
train G on D {
  g = G
  step {
    fake = g(flatten(image))
    minimize mean(fake) over g with sgd(lr: 0.1)
  }
  validate every: 1, early_stop(patience: 2)
}
`);
    expect(diagLines(r).filter((l) => l.includes("DLM3015"))).toEqual([
      "DLM3015 14:3 'validate' needs a train block with one loss; the step form has no evaluation step to run on the validation part",
    ]);
  });
});
