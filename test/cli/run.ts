// Runs the CLI in-process with captured streams, as a user would call it (argv without `dlm`).

import { main } from "../../compiler/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    color: false,
    errIsTty: false,
  });
  return { code, stdout, stderr };
}
