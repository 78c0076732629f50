// DataError: a problem with the user's data (a file, a column, a label), as opposed to a bug in dlm.
// The message always names the file (and line/column where known), so the CLI can print it as is.

export class DataError extends Error {
  override readonly name = "DataError";
  /** The file the problem is in ("" when the data did not come from a file). */
  readonly file: string;

  constructor(file: string, message: string) {
    super(file === "" ? message : `${file}: ${message}`);
    this.file = file;
  }
}
