// Function builder: named, typed locals and structured control flow on top of the value ops.
//
// Locals are objects (`Local<T>`) rather than indices so a kernel generator reads like the loop it
// builds: `k.set(i32.add(k.get(), 1))`. Labels are made unique per function so nested generators
// cannot collide. `forRange` is the one loop shape kernels need: a rotated loop (test once before,
// `br_if` at the bottom), which is what V8 compiles best.

import type { I32, Stmt, ValueType } from "./expr.js";
import { Expr } from "./expr.js";
import type { BinaryenApi, BinaryenModule } from "./binaryen.js";
import { Ops } from "./ops.js";

export class Local<T extends ValueType> {
  readonly name: string;
  readonly type: T;
  readonly index: number;
  readonly #f: FunctionBuilder;

  constructor(f: FunctionBuilder, name: string, type: T, index: number) {
    this.#f = f;
    this.name = name;
    this.type = type;
    this.index = index;
  }

  /** A fresh `local.get` node (call again for every use). */
  get(): Expr<T> {
    return this.#f.localGet(this);
  }

  set(value: Expr<T> | (T extends "i32" ? number : never)): Stmt {
    return this.#f.localSet(this, value);
  }

  tee(value: Expr<T>): Expr<T> {
    return this.#f.localTee(this, value);
  }
}

export type Params<P extends Record<string, ValueType>> = { readonly [K in keyof P]: Local<P[K]> };

export class FunctionBuilder extends Ops {
  readonly name: string;
  readonly #locals: Local<ValueType>[] = [];
  readonly #byName = new Map<string, Local<ValueType>>();
  #labels = 0;
  #temps = 0;

  constructor(bin: BinaryenApi, mod: BinaryenModule, name: string) {
    super(bin, mod);
    this.name = name;
  }

  /** Declares a parameter (the module does this, in signature order, before any `local`). */
  param<T extends ValueType>(name: string, type: T): Local<T> {
    return this.declare(name, type);
  }

  local<T extends ValueType>(name: string, type: T): Local<T> {
    return this.declare(name, type);
  }

  private declare<T extends ValueType>(name: string, type: T): Local<T> {
    if (this.#byName.has(name)) throw new Error(`wasm: local '${name}' declared twice in ${this.name}`);
    const l = new Local(this, name, type, this.#locals.length);
    this.#locals.push(l);
    this.#byName.set(name, l);
    return l;
  }

  /** Several locals of one type: `const [i, j] = f.locals("i32", ["i", "j"])`. */
  locals<T extends ValueType, const N extends readonly string[]>(type: T, names: N): { [K in keyof N]: Local<T> } {
    return names.map((n) => this.declare(n, type)) as { [K in keyof N]: Local<T> };
  }

  /** A local with a fresh name, for generators that need scratch values (e.g. the SIMD math). */
  temp<T extends ValueType>(hint: string, type: T): Local<T> {
    return this.declare(`${hint}$${this.#temps++}`, type);
  }

  get allLocals(): readonly Local<ValueType>[] {
    return this.#locals;
  }

  localGet<T extends ValueType>(l: Local<T>): Expr<T> {
    return this.make(l.type, this.mod.local.get(l.index, this.wasmType(l.type)), `local.get ${l.name}`);
  }

  localSet<T extends ValueType>(l: Local<T>, value: Expr<T> | number): Stmt {
    const v = this.operand(l, value);
    return this.make("none", this.mod.local.set(l.index, v), `local.set ${l.name}`);
  }

  localTee<T extends ValueType>(l: Local<T>, value: Expr<T>): Expr<T> {
    const v = this.operand(l, value);
    return this.make(l.type, this.mod.local.tee(l.index, v, this.wasmType(l.type)), `local.tee ${l.name}`);
  }

  private operand<T extends ValueType>(l: Local<T>, value: Expr<T> | number): number {
    if (typeof value === "number") {
      if (l.type !== "i32") throw new Error(`wasm: number assigned to ${l.type} local '${l.name}'`);
      return this.i(value);
    }
    if (value.type !== l.type)
      throw new Error(`wasm: ${value.type} value (${value.what}) assigned to ${l.type} local '${l.name}'`);
    return value.take();
  }

  /** `x += step` for an i32 local. */
  inc(l: Local<"i32">, step: I32 = 1): Stmt {
    return l.set(this.i32.add(l.get(), step));
  }

  /** A label name unique in this function. */
  label(hint: string): string {
    return `${hint}${this.#labels++}`;
  }

  block(label: string | null, body: readonly Stmt[]): Stmt {
    return this.make("none", this.mod.block(label, body.map((s) => s.take()), this.bin.none), "block");
  }

  /** Statements, then a value: a block whose result is `value`. */
  valueBlock<T extends ValueType>(body: readonly Stmt[], value: Expr<T>): Expr<T> {
    const refs = body.map((s) => s.take());
    refs.push(value.take());
    return this.make(value.type, this.mod.block(null, refs, this.wasmType(value.type)), "block (value)");
  }

  /** A `loop`: branching to `label` jumps back to its start. */
  loop(label: string, body: readonly Stmt[]): Stmt {
    const inner = this.mod.block(null, body.map((s) => s.take()), this.bin.none);
    return this.make("none", this.mod.loop(label, inner), "loop");
  }

  br(label: string): Stmt {
    return this.make("none", this.mod.br(label), "br");
  }

  brIf(label: string, cond: I32): Stmt {
    return this.make("none", this.mod.br_if(label, this.i(cond)), "br_if");
  }

  if(cond: I32, then: readonly Stmt[], otherwise?: readonly Stmt[]): Stmt {
    const c = this.i(cond);
    const t = this.mod.block(null, then.map((s) => s.take()), this.bin.none);
    const e = otherwise ? this.mod.block(null, otherwise.map((s) => s.take()), this.bin.none) : undefined;
    return this.make("none", this.mod.if(c, t, e), "if");
  }

  return(value?: Expr<ValueType>): Stmt {
    return this.make("none", this.mod.return(value?.take()), "return");
  }

  /** Calls a function without a result; numbers are i32 constants. */
  call(name: string, args: readonly (I32 | Expr<ValueType>)[]): Stmt {
    return this.make("none", this.mod.call(name, this.args(args), this.bin.none), `call ${name}`);
  }

  /** Calls a function that returns a `result` value. */
  callValue<T extends ValueType>(name: string, args: readonly (I32 | Expr<ValueType>)[], result: T): Expr<T> {
    return this.make(result, this.mod.call(name, this.args(args), this.wasmType(result)), `call ${name}`);
  }

  private args(args: readonly (I32 | Expr<ValueType>)[]): number[] {
    return args.map((a) => (typeof a === "number" ? this.i(a) : a.take()));
  }

  /**
   * `for (v = start; v < end; v += step) body` as a rotated loop. `end` is built twice (once for the
   * entry test, once for the back-edge), so unless it is a constant it is passed as a function that
   * makes a fresh node.
   */
  forRange(v: Local<"i32">, start: I32, end: number | (() => I32), step: I32, body: readonly Stmt[]): Stmt {
    const exit = this.label("exit");
    const top = this.label("loop");
    const endOf = (): I32 => (typeof end === "function" ? end() : end);
    return this.block(exit, [
      v.set(start),
      this.brIf(exit, this.i32.geS(v.get(), endOf())),
      this.loop(top, [...body, this.inc(v, step), this.brIf(top, this.i32.ltS(v.get(), endOf()))]),
    ]);
  }

  /** Nodes built through this function but never attached to a parent (a lost statement). */
  orphans(): string[] {
    return this.built.filter((e) => !e.taken).map((e) => e.what);
  }
}
