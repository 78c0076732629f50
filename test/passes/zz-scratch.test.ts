import { it } from "vitest";
import { readFileSync } from "node:fs";
import { optimizeProgram, printStep } from "../../compiler/pipeline.js";
import { frontEnd } from "../../compiler/frontend.js";
import { lowerProgram } from "../../compiler/lower/index.js";
it("scratch", () => {
  const f = process.env["EX"] ?? "transformer.dlm";
  const fe = frontEnd(readFileSync(`examples/${f}`, "utf8"), f);
  const r = lowerProgram(fe.checked, f, { batch: 2 });
  const o = optimizeProgram(r.program, { fuse: false });
  require("node:fs").writeFileSync("/tmp/opt.txt", printStep(o.program.models[0]!.train!));
});
