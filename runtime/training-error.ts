// TrainingError: a generated model's fit() could not go on (the loss became NaN or Inf, the training set
// is smaller than one batch). The user's model or data is at fault, not dlm, so callers (the CLI) report
// it in one line; `reason` is the message without the "<Class>.fit" prefix that says where it happened.

export class TrainingError extends Error {
  override readonly name = "TrainingError";
  /** The method that stopped, e.g. "Mlp.fit". */
  readonly where: string;
  /** What went wrong, without `where`. */
  readonly reason: string;

  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.where = where;
    this.reason = reason;
  }
}
