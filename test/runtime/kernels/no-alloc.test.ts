// A static guard for the kernel rule "no allocation per call": kernel sources (not the references, not
// the geometry constructors that run once per layer) must not contain `new` (except Errors, built only when failing), array or
// object literals in expressions, closures, or allocating typed-array methods.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../../runtime/kernels");
const creationTime = new Set(["conv2d-geometry.ts", "pool2d-geometry.ts", "index.ts"]);

const forbidden: [RegExp, string][] = [
  // errors are built only on the failing path (data errors), so `new …Error` is allowed
  [/\bnew\s+(?![A-Za-z]*Error\b)[A-Z]/, "`new` (other than an Error)"],
  [/=>/, "a closure"],
  [/\.(subarray|slice|map|filter|from|concat)\(/, "an allocating array method"],
  [/[=(,]\s*\[/, "an array literal"],
  [/[=(,]\s*\{\s*\w+\s*[:,}]/, "an object literal"],
];

function strip(src: string): string {
  // drop comments and string/template literals so prose and messages are not checked
  return src
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/`(?:[^`\\]|\\.)*`/g, "``")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

describe("kernels allocate nothing per call", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !creationTime.has(f));

  it("finds the kernel files", () => {
    expect(files).toContain("matmul.ts");
    expect(files.length).toBeGreaterThan(10);
  });

  for (const f of files) {
    it(f, () => {
      const src = strip(readFileSync(join(dir, f), "utf8"));
      const found = forbidden.filter(([re]) => re.test(src)).map(([, what]) => what);
      expect(found).toEqual([]);
    });
  }

  it("the guard itself catches allocations", () => {
    const bad = strip("export function k(x: Float32Array) { const t = new Float32Array(4); x.subarray(1); const f = () => 1; }");
    expect(forbidden.filter(([re]) => re.test(bad)).length).toBe(3);
  });
});
