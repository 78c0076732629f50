// Typed expression nodes over binaryen refs: the only way the emitter holds a Wasm expression.
//
// Design note: binaryen builds trees, but its C API hands out raw pointers, and nothing stops a caller
// from attaching one node under two parents. `validate()` accepts such a module and `optimize()` then
// aborts the process. Every `Expr` here may be consumed exactly once: an op that takes an `Expr` as an
// operand calls `take()`, and a second `take()` throws `SharedNodeError`. To use a value twice, keep it
// in a local and call `local.get()` again (each call makes a fresh node). The function builder also
// checks the other way round: a node built but never attached is reported (almost always a lost store).

export type ValueType = "i32" | "f32" | "v128";
export type ExprType = ValueType | "none";

export class SharedNodeError extends Error {
  constructor(what: string) {
    super(
      `wasm: expression '${what}' used twice (one node may have one parent): keep the value in a local ` +
        `and call get() again, or build a fresh node`,
    );
    this.name = "SharedNodeError";
  }
}

export class Expr<T extends ExprType = ExprType> {
  readonly type: T;
  /** The op that built it, for error messages. */
  readonly what: string;
  readonly #ref: number;
  #taken = false;

  constructor(type: T, ref: number, what: string) {
    this.type = type;
    this.#ref = ref;
    this.what = what;
  }

  get taken(): boolean {
    return this.#taken;
  }

  /** Hands the binaryen ref to its one parent. Only the wrapper calls this. */
  take(): number {
    if (this.#taken) throw new SharedNodeError(this.what);
    this.#taken = true;
    return this.#ref;
  }
}

export type Stmt = Expr<"none">;
/** An i32 operand: a node, or a number that becomes an `i32.const`. */
export type I32 = Expr<"i32"> | number;
