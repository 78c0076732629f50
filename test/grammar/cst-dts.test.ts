// The committed CST types must match the grammar; UPDATE_CST_DTS=1 rewrites them.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "vitest";
import { cstDtsPath, renderCstDts } from "../../scripts/gen-cst-dts.js";

test("grammar/cst.generated.d.ts is up to date with grammar/parser.ts", () => {
  const fresh = renderCstDts();
  if (process.env["UPDATE_CST_DTS"] === "1") writeFileSync(cstDtsPath, fresh);
  const committed = existsSync(cstDtsPath) ? readFileSync(cstDtsPath, "utf8") : "";
  expect(
    committed === fresh,
    "grammar/cst.generated.d.ts is stale; regenerate: UPDATE_CST_DTS=1 npx vitest run test/grammar/cst-dts.test.ts",
  ).toBe(true);
  expect(fresh).toContain("export interface ModelDeclCstNode");
});
