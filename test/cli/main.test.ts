import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

describe("dlm (no command)", () => {
  it("--help lists the commands and exits 0", async () => {
    const r = await runCli("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: dlm <command>/);
    expect(r.stdout).toMatch(/\bcheck\b/);
  });

  it("with no arguments prints the help on stderr and exits 2", async () => {
    const r = await runCli();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: dlm <command>/);
  });

  it("rejects an unknown command with exit 2 and a hint, no stack trace", async () => {
    const r = await runCli("chekc", "x.dlm");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dlm: unknown command 'chekc'\nRun 'dlm --help' for usage.\n");
  });

  it("prints the version", async () => {
    const r = await runCli("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("help <command> shows that command's help", async () => {
    const r = await runCli("help", "check");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: dlm check/);
  });
});
