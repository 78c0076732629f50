// Typed value ops (i32, f32, v128/f32x4, memory) over a binaryen module; the function builder extends
// this with locals and control flow. Every op consumes its operands (see expr.ts) and returns a fresh
// node. Loads and stores take a byte address, a constant byte offset and an alignment hint in bytes
// (V8 ignores the hint; it is never larger than the access, as the spec requires).

import type { ExprType, I32, Stmt, ValueType } from "./expr.js";
import { Expr } from "./expr.js";
import type { BinaryenApi, BinaryenModule } from "./binaryen.js";

type Ref = number;

export class Ops {
  protected readonly bin: BinaryenApi;
  protected readonly mod: BinaryenModule;
  /** Every node built through this builder, checked for "built but never attached" at the end. */
  protected readonly built: Expr[] = [];

  constructor(bin: BinaryenApi, mod: BinaryenModule) {
    this.bin = bin;
    this.mod = mod;
  }

  protected make<T extends ExprType>(type: T, ref: Ref, what: string): Expr<T> {
    const e = new Expr(type, ref, what);
    this.built.push(e);
    return e;
  }

  protected i(x: I32): Ref {
    return typeof x === "number" ? this.mod.i32.const(x | 0) : x.take();
  }

  protected wasmType(t: ExprType): number {
    const b = this.bin;
    return t === "i32" ? b.i32 : t === "f32" ? b.f32 : t === "v128" ? b.v128 : b.none;
  }

  // ---- i32 ----
  private i32bin(name: string, op: (a: Ref, b: Ref) => Ref) {
    return (a: I32, b: I32): Expr<"i32"> => {
      const ra = this.i(a);
      return this.make("i32", op(ra, this.i(b)), `i32.${name}`);
    };
  }

  readonly i32 = {
    const: (v: number): Expr<"i32"> => this.make("i32", this.mod.i32.const(v | 0), "i32.const"),
    add: this.i32bin("add", (a, b) => this.mod.i32.add(a, b)),
    sub: this.i32bin("sub", (a, b) => this.mod.i32.sub(a, b)),
    mul: this.i32bin("mul", (a, b) => this.mod.i32.mul(a, b)),
    and: this.i32bin("and", (a, b) => this.mod.i32.and(a, b)),
    or: this.i32bin("or", (a, b) => this.mod.i32.or(a, b)),
    shl: this.i32bin("shl", (a, b) => this.mod.i32.shl(a, b)),
    shrU: this.i32bin("shr_u", (a, b) => this.mod.i32.shr_u(a, b)),
    shrS: this.i32bin("shr_s", (a, b) => this.mod.i32.shr_s(a, b)),
    divS: this.i32bin("div_s", (a, b) => this.mod.i32.div_s(a, b)),
    remS: this.i32bin("rem_s", (a, b) => this.mod.i32.rem_s(a, b)),
    xor: this.i32bin("xor", (a, b) => this.mod.i32.xor(a, b)),
    eq: this.i32bin("eq", (a, b) => this.mod.i32.eq(a, b)),
    ne: this.i32bin("ne", (a, b) => this.mod.i32.ne(a, b)),
    ltS: this.i32bin("lt_s", (a, b) => this.mod.i32.lt_s(a, b)),
    leS: this.i32bin("le_s", (a, b) => this.mod.i32.le_s(a, b)),
    gtS: this.i32bin("gt_s", (a, b) => this.mod.i32.gt_s(a, b)),
    geS: this.i32bin("ge_s", (a, b) => this.mod.i32.ge_s(a, b)),
    eqz: (a: I32): Expr<"i32"> => this.make("i32", this.mod.i32.eqz(this.i(a)), "i32.eqz"),
    load: (ptr: I32, offset = 0, align = 4): Expr<"i32"> =>
      this.make("i32", this.mod.i32.load(offset, align, this.i(ptr)), "i32.load"),
    store: (ptr: I32, value: I32, offset = 0, align = 4): Stmt => {
      const p = this.i(ptr);
      return this.make("none", this.mod.i32.store(offset, align, p, this.i(value)), "i32.store");
    },
  };

  // ---- f32 ----
  private f32bin(name: string, op: (a: Ref, b: Ref) => Ref) {
    return (a: Expr<"f32">, b: Expr<"f32">): Expr<"f32"> => {
      const ra = a.take();
      return this.make("f32", op(ra, b.take()), `f32.${name}`);
    };
  }

  private f32cmp(name: string, op: (a: Ref, b: Ref) => Ref) {
    return (a: Expr<"f32">, b: Expr<"f32">): Expr<"i32"> => {
      const ra = a.take();
      return this.make("i32", op(ra, b.take()), `f32.${name}`);
    };
  }

  private f32un(name: string, op: (a: Ref) => Ref) {
    return (a: Expr<"f32">): Expr<"f32"> => this.make("f32", op(a.take()), `f32.${name}`);
  }

  readonly f32 = {
    const: (v: number): Expr<"f32"> => this.make("f32", this.mod.f32.const(v), "f32.const"),
    add: this.f32bin("add", (a, b) => this.mod.f32.add(a, b)),
    sub: this.f32bin("sub", (a, b) => this.mod.f32.sub(a, b)),
    mul: this.f32bin("mul", (a, b) => this.mod.f32.mul(a, b)),
    div: this.f32bin("div", (a, b) => this.mod.f32.div(a, b)),
    min: this.f32bin("min", (a, b) => this.mod.f32.min(a, b)),
    max: this.f32bin("max", (a, b) => this.mod.f32.max(a, b)),
    neg: this.f32un("neg", (a) => this.mod.f32.neg(a)),
    abs: this.f32un("abs", (a) => this.mod.f32.abs(a)),
    sqrt: this.f32un("sqrt", (a) => this.mod.f32.sqrt(a)),
    gt: this.f32cmp("gt", (a, b) => this.mod.f32.gt(a, b)),
    ge: this.f32cmp("ge", (a, b) => this.mod.f32.ge(a, b)),
    lt: this.f32cmp("lt", (a, b) => this.mod.f32.lt(a, b)),
    le: this.f32cmp("le", (a, b) => this.mod.f32.le(a, b)),
    eq: this.f32cmp("eq", (a, b) => this.mod.f32.eq(a, b)),
    fromI32: (a: I32): Expr<"f32"> => this.make("f32", this.mod.f32.convert_s.i32(this.i(a)), "f32.convert_i32_s"),
    load: (ptr: I32, offset = 0, align = 4): Expr<"f32"> =>
      this.make("f32", this.mod.f32.load(offset, align, this.i(ptr)), "f32.load"),
    store: (ptr: I32, value: Expr<"f32">, offset = 0, align = 4): Stmt => {
      const p = this.i(ptr);
      return this.make("none", this.mod.f32.store(offset, align, p, value.take()), "f32.store");
    },
  };

  // ---- v128 / f32x4 ----
  private f4bin(name: string, op: (a: Ref, b: Ref) => Ref) {
    return (a: Expr<"v128">, b: Expr<"v128">): Expr<"v128"> => {
      const ra = a.take();
      return this.make("v128", op(ra, b.take()), `f32x4.${name}`);
    };
  }

  private v128bin(name: string, op: (a: Ref, b: Ref) => Ref) {
    return (a: Expr<"v128">, b: Expr<"v128">): Expr<"v128"> => {
      const ra = a.take();
      return this.make("v128", op(ra, b.take()), name);
    };
  }

  private f4un(name: string, op: (a: Ref) => Ref) {
    return (a: Expr<"v128">): Expr<"v128"> => this.make("v128", op(a.take()), `f32x4.${name}`);
  }

  readonly v128 = {
    zero: (): Expr<"v128"> => this.make("v128", this.mod.v128.const(new Array<number>(16).fill(0)), "v128.const"),
    load: (ptr: I32, offset = 0, align = 16): Expr<"v128"> =>
      this.make("v128", this.mod.v128.load(offset, align, this.i(ptr)), "v128.load"),
    /** Loads one f32 and broadcasts it to four lanes (one `vbroadcastss`). */
    load32Splat: (ptr: I32, offset = 0, align = 4): Expr<"v128"> =>
      this.make("v128", this.mod.v128.load32_splat(offset, align, this.i(ptr)), "v128.load32_splat"),
    store: (ptr: I32, value: Expr<"v128">, offset = 0, align = 16): Stmt => {
      const p = this.i(ptr);
      return this.make("none", this.mod.v128.store(offset, align, p, value.take()), "v128.store");
    },
    and: this.v128bin("v128.and", (a, b) => this.mod.v128.and(a, b)),
    or: this.v128bin("v128.or", (a, b) => this.mod.v128.or(a, b)),
    xor: this.v128bin("v128.xor", (a, b) => this.mod.v128.xor(a, b)),
    /** a & ~b */
    andnot: this.v128bin("v128.andnot", (a, b) => this.mod.v128.andnot(a, b)),
    /** Bits of a where mask is 1, of b where it is 0. */
    bitselect: (a: Expr<"v128">, b: Expr<"v128">, mask: Expr<"v128">): Expr<"v128"> => {
      const ra = a.take();
      const rb = b.take();
      return this.make("v128", this.mod.v128.bitselect(ra, rb, mask.take()), "v128.bitselect");
    },
    /** Byte shuffle of two vectors (16 lane indices 0..31). */
    shuffle: (a: Expr<"v128">, b: Expr<"v128">, mask: readonly number[]): Expr<"v128"> => {
      if (mask.length !== 16 || mask.some((x) => !Number.isInteger(x) || x < 0 || x > 31))
        throw new Error(`wasm: i8x16.shuffle needs 16 lane indices in 0..31, got [${mask.join(", ")}]`);
      const ra = a.take();
      return this.make("v128", this.mod.i8x16.shuffle(ra, b.take(), mask), "i8x16.shuffle");
    },
  };

  readonly f32x4 = {
    splat: (x: Expr<"f32">): Expr<"v128"> => this.make("v128", this.mod.f32x4.splat(x.take()), "f32x4.splat"),
    extractLane: (v: Expr<"v128">, lane: number): Expr<"f32"> =>
      this.make("f32", this.mod.f32x4.extract_lane(v.take(), lane), "f32x4.extract_lane"),
    add: this.f4bin("add", (a, b) => this.mod.f32x4.add(a, b)),
    sub: this.f4bin("sub", (a, b) => this.mod.f32x4.sub(a, b)),
    mul: this.f4bin("mul", (a, b) => this.mod.f32x4.mul(a, b)),
    div: this.f4bin("div", (a, b) => this.mod.f32x4.div(a, b)),
    min: this.f4bin("min", (a, b) => this.mod.f32x4.min(a, b)),
    max: this.f4bin("max", (a, b) => this.mod.f32x4.max(a, b)),
    /** `b < a ? b : a` per lane: one instruction (relu is `pmax(zero, x)`). */
    pmin: this.f4bin("pmin", (a, b) => this.mod.f32x4.pmin(a, b)),
    /** `a < b ? b : a` per lane: one instruction. */
    pmax: this.f4bin("pmax", (a, b) => this.mod.f32x4.pmax(a, b)),
    /** Comparisons give a lane mask (all ones where true). */
    eq: this.f4bin("eq", (a, b) => this.mod.f32x4.eq(a, b)),
    ne: this.f4bin("ne", (a, b) => this.mod.f32x4.ne(a, b)),
    lt: this.f4bin("lt", (a, b) => this.mod.f32x4.lt(a, b)),
    le: this.f4bin("le", (a, b) => this.mod.f32x4.le(a, b)),
    gt: this.f4bin("gt", (a, b) => this.mod.f32x4.gt(a, b)),
    ge: this.f4bin("ge", (a, b) => this.mod.f32x4.ge(a, b)),
    /**
     * a·b + c, fused or not (the engine picks): relaxed SIMD, so the module must be created with
     * `relaxedSimd: true`, and Node 20 runs it only with --experimental-wasm-relaxed-simd.
     */
    relaxedMadd: (a: Expr<"v128">, b: Expr<"v128">, c: Expr<"v128">): Expr<"v128"> => {
      // binaryen.js 132 has no wrapper for relaxed ops; its C API does.
      const capi = this.bin as unknown as {
        _BinaryenSIMDTernary(module: number, op: number, a: number, b: number, c: number): number;
        _BinaryenRelaxedMaddVecF32x4(): number;
      };
      const ra = a.take();
      const rb = b.take();
      const ref = capi._BinaryenSIMDTernary(this.mod.ptr, capi._BinaryenRelaxedMaddVecF32x4(), ra, rb, c.take());
      return this.make("v128", ref, "f32x4.relaxed_madd");
    },
    neg: this.f4un("neg", (a) => this.mod.f32x4.neg(a)),
    floor: this.f4un("floor", (a) => this.mod.f32x4.floor(a)),
    abs: this.f4un("abs", (a) => this.mod.f32x4.abs(a)),
    sqrt: this.f4un("sqrt", (a) => this.mod.f32x4.sqrt(a)),
  };

  /** Integer lanes (the bits of a v128 are untyped: f32x4 ops read the same vector as floats). */
  readonly i32x4 = {
    splat: (x: I32): Expr<"v128"> => this.make("v128", this.mod.i32x4.splat(this.i(x)), "i32x4.splat"),
    add: this.v128bin("i32x4.add", (a, b) => this.mod.i32x4.add(a, b)),
    sub: this.v128bin("i32x4.sub", (a, b) => this.mod.i32x4.sub(a, b)),
    shl: (v: Expr<"v128">, bits: I32): Expr<"v128"> => {
      const rv = v.take();
      return this.make("v128", this.mod.i32x4.shl(rv, this.i(bits)), "i32x4.shl");
    },
    shrU: (v: Expr<"v128">, bits: I32): Expr<"v128"> => {
      const rv = v.take();
      return this.make("v128", this.mod.i32x4.shr_u(rv, this.i(bits)), "i32x4.shr_u");
    },
    /** i32 lanes → f32 lanes. */
    toF32x4: (v: Expr<"v128">): Expr<"v128"> => this.make("v128", this.mod.f32x4.convert_i32x4_s(v.take()), "f32x4.convert_i32x4_s"),
    /** f32 lanes → i32 lanes, truncating toward zero, saturating; NaN → 0. */
    truncSatF32x4: (v: Expr<"v128">): Expr<"v128"> =>
      this.make("v128", this.mod.i32x4.trunc_sat_f32x4_s(v.take()), "i32x4.trunc_sat_f32x4_s"),
  };

  /** `cond ? a : b` without a branch (both sides are evaluated). */
  select<T extends ValueType>(cond: I32, a: Expr<T>, b: Expr<T>): Expr<T> {
    if (a.type !== b.type) throw new Error(`wasm: select of ${a.type} and ${b.type}`);
    const ra = a.take();
    const rb = b.take();
    return this.make(a.type, this.mod.select(this.i(cond), ra, rb), "select");
  }

  /** `memory.fill(dest, byte, size)` (bulk memory). */
  fill(dest: I32, byte: I32, size: I32): Stmt {
    const d = this.i(dest);
    const v = this.i(byte);
    return this.make("none", this.mod.memory.fill(d, v, this.i(size)), "memory.fill");
  }

  drop(value: Expr<ValueType>): Stmt {
    return this.make("none", this.mod.drop(value.take()), "drop");
  }

  nop(): Stmt {
    return this.make("none", this.mod.nop(), "nop");
  }
}
