// docs/catalogue.md documents every catalogue entry: a heading with the entry's name and, for layers and
// functions, every declared argument in the signature.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { functionList, layerList } from "../../compiler/check/catalogue/index.js";
import { dataSources, transforms } from "../../compiler/check/catalogue/data-sources.js";
import { optimizers, schedules, settings } from "../../compiler/check/catalogue/train-settings.js";

const doc = readFileSync(join(import.meta.dirname, "../../docs/catalogue.md"), "utf8");
const headings = doc.split("\n").filter((l) => l.startsWith("#"));

function heading(name: string): string | undefined {
  return headings.find((h) => h.includes(`\`${name}(`) || h.includes(`\`${name}\``));
}

test.each([...layerList, ...functionList].map((e) => [e.name, e] as const))("%s is documented with its arguments", (name, entry) => {
  const h = heading(name);
  expect(h, `no heading for ${name}`).toBeDefined();
  for (const a of entry.args) if (!(name === "concat" && a.variadic)) expect(h, `${name} lacks '${a.name}'`).toContain(a.name);
});

test("sources, transforms, optimizers, schedules and settings are documented", () => {
  const names = [...dataSources, ...transforms, ...optimizers, ...schedules].map((s) => s.name).concat(["map", "split"]);
  expect(names.filter((n) => !heading(n))).toEqual([]);
  expect(settings.filter((s) => !doc.includes(`| \`${s.name}\` |`)).map((s) => s.name)).toEqual([]);
});
