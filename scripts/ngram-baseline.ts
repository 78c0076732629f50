// Character n-gram baselines for the character language models: add-k n-gram models counted on the first
// 90% of a text (by position) and scored, in bits per character, on the last 10%. On Moby Dick this
// reproduces ../shared/anchors/DATA.md (1-gram 4.50, 2-gram 3.55, 3-gram 2.91, 4-gram 2.49, k = 0.1).
// `dlm train` prints the 3- and 4-gram figures of the same model on its own split at the end of training.
//
// Run: npm run build && node dist/scripts/ngram-baseline.js [--text FILE] [--k 0.1] [--orders 1,2,3,4]

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DataError } from "../runtime/data/errors.js";
import { codeUnits, ngramBaselines, type NgramBaseline } from "../runtime/data/ngram.js";
import { loadMobyDick } from "../runtime/data/npm-datasets.js";
import { normalizeText } from "../runtime/data/text.js";
import { readText } from "../runtime/data/text-file.js";

export interface NgramReport {
  readonly characters: number;
  readonly trainCharacters: number;
  readonly baselines: NgramBaseline[];
}

/** Splits at ⌊fraction · n⌋ and scores each order (the text is normalised as the chars() source is). */
export function ngramReport(text: string, options: { fraction?: number; orders?: readonly number[]; k?: number } = {}): NgramReport {
  const norm = normalizeText(text);
  const cut = Math.floor((options.fraction ?? 0.9) * norm.length);
  const ids = codeUnits(norm);
  return {
    characters: norm.length,
    trainCharacters: cut,
    baselines: ngramBaselines(ids.subarray(0, cut), ids.subarray(cut), options.orders ?? [1, 2, 3, 4], { k: options.k ?? 0.1 }),
  };
}

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { text: { type: "string" }, k: { type: "string" }, orders: { type: "string" } } });
  const k = values.k === undefined ? 0.1 : Number(values.k);
  const orders = values.orders === undefined ? [1, 2, 3, 4] : values.orders.split(",").map(Number);
  if (!(k > 0) || !orders.every((o) => Number.isInteger(o) && o >= 1)) {
    process.stderr.write("ngram-baseline: --k must be a positive number and --orders positive integers (e.g. 1,2,3,4)\n");
    return 2;
  }
  const text = values.text === undefined ? loadMobyDick() : readText(values.text);
  const r = ngramReport(text, { orders, k });
  process.stdout.write(`${values.text ?? "moby_dick()"}: ${r.characters.toLocaleString("en-US")} characters; train = first ${r.trainCharacters.toLocaleString("en-US")}, validation = the rest; add-${k} smoothing\n`);
  for (const b of r.baselines) process.stdout.write(`${b.order}-gram  ${b.bitsPerChar.toFixed(3)} bits/char\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    process.stderr.write(`ngram-baseline: ${e.message}\n`);
    process.exitCode = 1;
  }
}
