// CSV: RFC 4180 quoting, CRLF, blank lines, columns by name, numeric errors at file:line:column.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCsv, parseCsv, parseCsvRecords } from "../../../runtime/data/csv.js";
import { DataError } from "../../../runtime/data/errors.js";

describe("parseCsvRecords", () => {
  it("handles quotes, escaped quotes, embedded delimiters and newlines, CRLF, blank lines, a BOM", () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"multi\nline",\n';
    const recs = parseCsvRecords(text, "t.csv").map((r) => r.map((c) => c.text));
    expect(recs).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "multi\nline", ""],
    ]);
  });

  it("keeps an explicitly quoted empty line as a record and tracks positions", () => {
    const recs = parseCsvRecords('h\n""\nv', "t.csv");
    expect(recs.map((r) => r[0]!.text)).toEqual(["h", "", "v"]);
    const cells = parseCsvRecords('a,b\n1,"q\nq",z', "t.csv")[1]!;
    expect(cells.map((c) => [c.line, c.column])).toEqual([
      [2, 1],
      [2, 3],
      [3, 4],
    ]);
  });

  it("reports unterminated quotes and junk after a closing quote", () => {
    expect(() => parseCsvRecords('a\n"open', "t.csv")).toThrow(/^t\.csv: 2:1: unterminated quoted field/);
    expect(() => parseCsvRecords('a,b\n"x"y,2', "t.csv")).toThrow(/^t\.csv: 2:4: unexpected "y" after a closing quote/);
  });

  it("supports another delimiter", () => {
    expect(parseCsvRecords("a;b\n1;2", "t", { delimiter: ";" }).map((r) => r.length)).toEqual([2, 2]);
  });
});

describe("CsvTable", () => {
  const table = parseCsv("x, label ,name\n1.5,3,ann\n-2e-3,0,bob\n.5,7,\"c,d\"\n", "data.csv");

  it("gives columns by name as numbers, integers or strings", () => {
    expect(table.header).toEqual(["x", "label", "name"]);
    expect(table.rowCount).toBe(3);
    expect(Array.from(table.numbers("x"))).toEqual([1.5, -2e-3, 0.5].map(Math.fround));
    expect(Array.from(table.integers("label"))).toEqual([3, 0, 7]);
    expect(table.strings("name")).toEqual(["ann", "bob", "c,d"]);
  });

  it("names file:line:column and the column for bad values", () => {
    const bad = parseCsv("a,b\n1,2\n3,0x10\n4,\n5,2.5\n", "bad.csv");
    expect(() => bad.numbers("b")).toThrow(/^bad\.csv: 3:3: column "b": "0x10" is not a number$/);
    const empty = parseCsv("a,b\n1,2\n4,\n", "e.csv");
    expect(() => empty.numbers("b")).toThrow(/^e\.csv: 3:3: column "b": empty value$/);
    const frac = parseCsv("a\n2.5\n", "f.csv");
    expect(() => frac.integers("a")).toThrow(/^f\.csv: 2:1: column "a": "2.5" is not a 32-bit integer$/);
    expect(() => table.numbers("nope")).toThrow(/no column "nope" \(columns: x, label, name\)/);
    expect(() => parseCsv("a,b\n1\n", "r.csv")).toThrow(/^r\.csv: 2:1: row has 1 fields but the header has 2/);
    expect(() => parseCsv("a,a\n", "d.csv")).toThrow(/duplicate column name "a"/);
    expect(() => parseCsv("", "z.csv")).toThrow(DataError);
  });

  it("accepts inf and nan words", () => {
    const t = parseCsv("v\ninf\n-Infinity\nNaN\n", "s.csv");
    const v = t.numbers("v");
    expect([v[0], v[1]]).toEqual([Infinity, -Infinity]);
    expect(v[2]).toBeNaN();
  });
});

describe("loadCsv", () => {
  const dir = mkdtempSync(join(tmpdir(), "dlm-csv-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file and reports a missing one by path", () => {
    const p = join(dir, "t.csv");
    writeFileSync(p, "a,b\n1,2\n");
    expect(Array.from(loadCsv(p).numbers("b"))).toEqual([2]);
    expect(() => loadCsv(join(dir, "none.csv"))).toThrow(/none\.csv: cannot read \(ENOENT\)/);
  });
});
