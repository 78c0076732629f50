import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => `examples/${f}`)
  .sort();

describe("dlm check", () => {
  it("accepts every example: exit 0, no diagnostics, a summary per model", async () => {
    const r = await runCli("check", ...examples);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const f of examples) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/model Mlp {2}407,050 parameters/);
    expect(r.stdout).toMatch(/input +image +f32\[B, 28, 28\]/);
    expect(r.stdout).toMatch(/output logits +f32\[B, 10\]/);
    // FLOPs of a step and the arena of the memory plan, per trained model.
    expect(r.stdout).toMatch(/^ {4}per batch of 64: training step [\d.]+ MFLOP, prediction [\d.]+ MFLOP, arena [\d.]+ MiB \([\d,]+ bytes\)$/m);
  });

  it("--help shows the command's usage and exits 0", async () => {
    const r = await runCli("check", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: dlm check/);
  });

  it("without files is a bad invocation (exit 2)", async () => {
    const r = await runCli("check");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no input files/);
  });

  it("a missing file is a bad invocation with a plain message (exit 2)", async () => {
    const r = await runCli("check", "no/such/file.dlm");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dlm: cannot read 'no/such/file.dlm': no such file\nRun 'dlm check --help' for usage.\n");
  });

  it("an unknown option is a bad invocation (exit 2)", async () => {
    const r = await runCli("check", "--frobnicate", "examples/mlp.dlm");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("exits 1 on errors, reports every error of every file with a code frame", async () => {
    const r = await runCli("check", "test/fixtures/cli/two-errors.dlm", "test/fixtures/cli/syntax.dlm");
    expect(r.code).toBe(1);
    await expect(r.stderr).toMatchFileSnapshot("../fixtures/cli/check-errors.stderr.txt");
    const headers = r.stderr.split("\n").filter((l) => /^test\/fixtures\/cli\/\S+:\d+:\d+: (error|warning) DLM\d{4}: /.test(l));
    expect(headers.length).toBeGreaterThanOrEqual(4);
  });

  it("--json prints diagnostics and summaries as data", async () => {
    const r = await runCli("check", "--json", "examples/mlp.dlm", "test/fixtures/cli/two-errors.dlm");
    expect(r.code).toBe(1);
    const data = JSON.parse(r.stdout) as {
      files: { file: string; ok: boolean; diagnostics: { line: number; column: number; code: string; severity: string }[]; models: { name: string; parameterCount: number }[] }[];
    };
    expect(data.files.map((f) => f.ok)).toEqual([true, false]);
    expect(data.files[0]!.models[0]).toMatchObject({ name: "Mlp", parameterCount: 407050 });
    const diags = data.files[1]!.diagnostics;
    expect(diags.length).toBeGreaterThanOrEqual(2);
    for (const d of diags) {
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
      expect(d.code).toMatch(/^DLM\d{4}$/);
    }
  });
});
