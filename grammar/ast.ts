// The typed AST of a `.dlm` file: plain data, discriminated by `kind`, every node with its span.
//
// The parser recovers from syntax errors, so a tree may be partial: a node the parser could not build is
// left out of its parent's list, and a required child it could not parse is an `ErrorExpr` (never
// undefined). Later stages skip `ErrorExpr` silently, since the syntax error was already reported.

import type { Span } from "./source.js";

export interface Identifier {
  kind: "Identifier";
  name: string;
  span: Span;
}

// ---- top level -------------------------------------------------------------------------------------

export interface Program {
  kind: "Program";
  items: TopItem[];
  span: Span;
}

export type TopItem = ModelDecl | DataDecl | TrainDecl | GenerateDecl;

/** `model Name(params) { inputs, outputs, bindings }` */
export interface ModelDecl {
  kind: "ModelDecl";
  name: Identifier;
  params: ModelParam[];
  body: ModelStmt[];
  span: Span;
}

/** `d: int` or `causal: bool = false`; the type is one of int, float, bool, string. */
export interface ModelParam {
  kind: "ModelParam";
  name: Identifier;
  type: Identifier;
  default?: Expr;
  span: Span;
}

export type ModelStmt = InputDecl | OutputDecl | Binding;

/** `input image: f32[B, 28, 28]` */
export interface InputDecl {
  kind: "InputDecl";
  name: Identifier;
  type: TensorType;
  span: Span;
}

/** `output logits: f32[B, 10]` — the value is bound by a Binding of the same name. */
export interface OutputDecl {
  kind: "OutputDecl";
  name: Identifier;
  type: TensorType;
  span: Span;
}

/** `f32[B, T, 4 * d]`: dims are expressions over integers, names and + - * / (checked later). */
export interface TensorType {
  kind: "TensorType";
  dtype: Identifier;
  dims: Expr[];
  span: Span;
}

/** `name = expr` or `(a, _, (b, c)) = expr` */
export interface Binding {
  kind: "Binding";
  target: Pattern;
  value: Expr;
  span: Span;
}

export type Pattern = NamePattern | WildcardPattern | TuplePattern;

export interface NamePattern {
  kind: "NamePattern";
  name: Identifier;
  span: Span;
}

/** `_` */
export interface WildcardPattern {
  kind: "WildcardPattern";
  span: Span;
}

export interface TuplePattern {
  kind: "TuplePattern";
  elements: Pattern[];
  span: Span;
}

/** `data Digits = mnist() |> split(train: 0.8, test: 0.2, seed: 7)` */
export interface DataDecl {
  kind: "DataDecl";
  name: Identifier;
  value: Expr;
  span: Span;
}

/** `train Mlp on Digits { … }` or `train CharGpt(vocab: 96) on Text { … }` or `train Gan on Digits { … }` */
export interface TrainDecl {
  kind: "TrainDecl";
  target: Identifier;
  /** Model parameters when the target is a parameterised model: `train CharGpt(vocab: 96) on …`. */
  args: Arg[];
  data: Identifier;
  items: TrainItem[];
  span: Span;
}

export type TrainItem = Binding | Setting | StepBlock;

/**
 * `key arg, arg, name: arg` — e.g. `loss cross_entropy(logits, label)`, `batch 64`,
 * `validate every: 1, early_stop(patience: 3)`. Keys are plain identifiers, checked by the checker.
 */
export interface Setting {
  kind: "Setting";
  key: Identifier;
  args: Arg[];
  span: Span;
}

/** `step { bindings; minimize … over … with … }` */
export interface StepBlock {
  kind: "StepBlock";
  stmts: StepStmt[];
  span: Span;
}

export type StepStmt = Binding | Minimize;

/** `minimize LOSS over g, h with adam(lr: 2e-4)` */
export interface Minimize {
  kind: "Minimize";
  loss: Expr;
  over: Identifier[];
  optimizer: Expr;
  span: Span;
}

/** `generate CharLstm { prompt "The " steps 200 temperature 0.8 }` */
export interface GenerateDecl {
  kind: "GenerateDecl";
  target: Identifier;
  args: Arg[];
  settings: Setting[];
  span: Span;
}

// ---- expressions -----------------------------------------------------------------------------------

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | Name
  | ListLit
  | TupleLit
  | Unary
  | Binary
  | Call
  | Pipe
  | Repeat
  | ErrorExpr;

/** `42`, `0.5`, `1e-3`. `isInt` when written without `.` or exponent. */
export interface NumberLit {
  kind: "NumberLit";
  value: number;
  raw: string;
  isInt: boolean;
  span: Span;
}

/** `"text"` with escapes decoded into `value`. */
export interface StringLit {
  kind: "StringLit";
  value: string;
  span: Span;
}

export interface BoolLit {
  kind: "BoolLit";
  value: boolean;
  span: Span;
}

/** A reference: a value, a layer, a model, a function, a data field, or an enum word such as `same`. */
export interface Name {
  kind: "Name";
  name: string;
  span: Span;
}

/** `[B, 64]` */
export interface ListLit {
  kind: "ListLit";
  elements: Expr[];
  span: Span;
}

/** `(a, b)` — two or more elements; `(a)` is just `a`. */
export interface TupleLit {
  kind: "TupleLit";
  elements: Expr[];
  span: Span;
}

export interface Unary {
  kind: "Unary";
  op: "-";
  operand: Expr;
  span: Span;
}

export type BinaryOp = "+" | "-" | "*" | "/";

export interface Binary {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

/**
 * `callee(args)`. The `(` must touch the callee (`Dense(10)`, not `Dense (10)`): that is what tells a call
 * from a tuple pattern on the next line. What a call means is the checker's business: a Capitalized callee
 * makes a layer (its args are the layer's configuration), a lowercase layer instance applies it, a
 * lowercase function calls it.
 */
export interface Call {
  kind: "Call";
  callee: Name;
  args: Arg[];
  span: Span;
}

/** A call argument, positional (`name` absent) or named (`kernel: 3`). */
export interface Arg {
  kind: "Arg";
  name?: Identifier;
  value: Expr;
  span: Span;
}

/**
 * `source |> stage |> stage …`; lowest precedence, left to right. A stage is a `Name` (`relu`, `hidden`,
 * `LayerNorm`), a `Call` (`dropout(0.2)`, `Dense(10)`) or a `Repeat`; the value flowing in becomes the
 * stage's first input.
 */
export interface Pipe {
  kind: "Pipe";
  source: Expr;
  stages: Expr[];
  span: Span;
}

/** `repeat 4 TransformerLayer(d, heads: 4)`: N copies in sequence, each with its own weights. Only a pipe stage. */
export interface Repeat {
  kind: "Repeat";
  count: Expr;
  body: Expr;
  span: Span;
}

/** Where the parser recovered from a syntax error. */
export interface ErrorExpr {
  kind: "ErrorExpr";
  span: Span;
}

export type Node =
  | Identifier
  | Program
  | TopItem
  | ModelParam
  | ModelStmt
  | TensorType
  | Pattern
  | TrainItem
  | Minimize
  | Expr
  | Arg;
