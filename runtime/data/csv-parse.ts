// CSV parsing, platform-neutral (text in, table out): an RFC 4180 parser (quoted fields, "" escapes, CRLF
// or LF, newlines inside quotes) and a table with columns by name and checked numeric conversion. Reading
// the file is csv.ts (Node).
//
// No CSV dependency is installed, and the format is small enough to parse by hand. Every field keeps
// the line and column where it starts, so a bad number is reported as file:line:column.

import { DataError } from "./errors.js";

interface Cell {
  text: string;
  line: number;
  column: number;
}

export interface CsvOptions {
  /** Field separator (default ","). */
  delimiter?: string;
}

/** Splits CSV text into records of cells; `file` is used in error messages only. */
export function parseCsvRecords(text: string, file: string, options: CsvOptions = {}): Cell[][] {
  const delim = options.delimiter ?? ",";
  if (delim.length !== 1 || delim === '"' || delim === "\n" || delim === "\r") {
    throw new DataError(file, `invalid CSV delimiter ${JSON.stringify(delim)}`);
  }
  const records: Cell[][] = [];
  let record: Cell[] = [];
  let line = 1;
  let col = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark is not data
  const n = text.length;
  for (;;) {
    // one field starts here
    const startLine = line;
    const startCol = col;
    let value = "";
    const quoted = text[i] === '"';
    if (quoted) {
      i++;
      col++;
      for (;;) {
        if (i >= n) throw new DataError(file, `${startLine}:${startCol}: unterminated quoted field`);
        const ch = text[i]!;
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            col += 2;
            continue;
          }
          i++;
          col++;
          break;
        }
        value += ch;
        i++;
        if (ch === "\n") {
          line++;
          col = 1;
        } else col++;
      }
      if (i < n && text[i] !== delim && text[i] !== "\n" && text[i] !== "\r") {
        throw new DataError(file, `${line}:${col}: unexpected ${JSON.stringify(text[i])} after a closing quote`);
      }
    } else {
      const start = i;
      while (i < n && text[i] !== delim && text[i] !== "\n" && text[i] !== "\r") i++;
      value = text.slice(start, i);
      col += i - start;
    }
    record.push({ text: value, line: startLine, column: startCol });
    if (i < n && text[i] === delim) {
      i++;
      col++;
      continue;
    }
    // end of record (newline or end of text)
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    // a blank line (one empty unquoted cell) is skipped, not a record
    if (!(record.length === 1 && value === "" && !quoted)) records.push(record);
    record = [];
    line++;
    col = 1;
    if (i >= n) break;
  }
  return records;
}

export class CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rowCount: number;
  private readonly rows: Cell[][];

  constructor(file: string, records: Cell[][]) {
    if (records.length === 0) throw new DataError(file, "is empty (expected a header line)");
    this.file = file;
    const head = records[0]!;
    this.header = head.map((c) => c.text.trim());
    const seen = new Set<string>();
    for (const c of head) {
      const name = c.text.trim();
      if (seen.has(name)) throw new DataError(file, `${c.line}:${c.column}: duplicate column name ${JSON.stringify(name)}`);
      seen.add(name);
    }
    this.rows = records.slice(1);
    for (const r of this.rows) {
      if (r.length !== head.length) {
        throw new DataError(file, `${r[0]!.line}:1: row has ${r.length} fields but the header has ${head.length}`);
      }
    }
    this.rowCount = this.rows.length;
  }

  private index(name: string): number {
    const k = this.header.indexOf(name);
    if (k < 0) throw new DataError(this.file, `no column ${JSON.stringify(name)} (columns: ${this.header.join(", ")})`);
    return k;
  }

  /** The raw text of a column. */
  strings(name: string): string[] {
    const k = this.index(name);
    return this.rows.map((r) => r[k]!.text);
  }

  /** A column as float32; an empty or non-numeric cell is a DataError at file:line:column. */
  numbers(name: string): Float32Array {
    const k = this.index(name);
    const out = new Float32Array(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) out[r] = this.toNumber(this.rows[r]![k]!, name);
    return out;
  }

  /** A column as int32 (class labels, token ids); non-integers are a DataError. */
  integers(name: string): Int32Array {
    const k = this.index(name);
    const out = new Int32Array(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) {
      const cell = this.rows[r]![k]!;
      const v = this.toNumber(cell, name);
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new DataError(this.file, `${cell.line}:${cell.column}: column ${JSON.stringify(name)}: ${JSON.stringify(cell.text)} is not a 32-bit integer`);
      }
      out[r] = v;
    }
    return out;
  }

  private toNumber(cell: Cell, name: string): number {
    const t = cell.text.trim();
    // Number("") is 0 and Number("0x1f") is 31: accept only plain decimal notation (and inf/nan words)
    const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)
      ? Number(t)
      : /^[+-]?(inf|infinity)$/i.test(t)
        ? (t.startsWith("-") ? -Infinity : Infinity)
        : /^nan$/i.test(t)
          ? NaN
          : undefined;
    if (v === undefined) {
      const what = t === "" ? "empty value" : `${JSON.stringify(cell.text)} is not a number`;
      throw new DataError(this.file, `${cell.line}:${cell.column}: column ${JSON.stringify(name)}: ${what}`);
    }
    return v;
  }
}

export function parseCsv(text: string, file: string, options: CsvOptions = {}): CsvTable {
  return new CsvTable(file, parseCsvRecords(text, file, options));
}
