// The `.dlm` grammar as an action-free Chevrotain CstParser: rules only, no AST building (to-ast.ts).
//
// Design notes
// - The entry rule is `topItem`, not a whole file: index.ts cuts the token stream at the declaration
//   keywords (reserved, and legal only at the top level) and parses each declaration on its own, so an
//   error in one declaration can never swallow the next one, and stray top-level tokens get one clear error.
// - Rules that would recurse without consuming a bracket are flat: `unary` is `'-'* primary`, binary
//   operators are loops. Together with the bracket-depth limit in index.ts this bounds the recursion depth.
// - `( … )` is one rule for both grouping and tuples; to-ast tells them apart by the commas.
// - Recovery is Chevrotain's, made line-aware by RecoveringParser (recovery.ts): one slip in a statement
//   does not make every later token of its line an error.
// - One rule is line-sensitive: a setting's first argument starts on the line of its key (see setting).
// - Model parameters and train/generate arguments accept either kind of `(`: nothing else can follow the
//   name there, so `model A (d: int)` is as good as `model A(d: int)`.

import { dlmErrorMessages } from "./messages.js";
import { RecoveringParser } from "./recovery.js";
import * as T from "./tokens.js";

export class DlmParser extends RecoveringParser {
  constructor() {
    super(T.parserTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: dlmErrorMessages,
    });
    this.performSelfAnalysis();
  }

  // ---- declarations ------------------------------------------------------------------------------

  topItem = this.RULE("topItem", () => {
    this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.modelDecl) },
        { ALT: () => this.SUBRULE(this.dataDecl) },
        { ALT: () => this.SUBRULE(this.trainDecl) },
        { ALT: () => this.SUBRULE(this.generateDecl) },
      ],
      ERR_MSG: "a declaration (model, data, train or generate)",
    });
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStmt));
    this.CONSUME(T.RCurly);
  });

  paramList = this.RULE("paramList", () => {
    this.OR([{ ALT: () => this.CONSUME(T.CallLParen) }, { ALT: () => this.CONSUME(T.LParen) }]);
    this.SUBRULE(this.param);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.param);
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.RParen);
  });

  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  modelStmt = this.RULE("modelStmt", () => {
    this.OR({
      DEF: [{ ALT: () => this.SUBRULE(this.portDecl) }, { ALT: () => this.SUBRULE(this.binding) }],
      ERR_MSG: "an input, an output or a binding (name = value)",
    });
  });

  /** `input x: f32[B, 28]` or `output y: f32[B, 10]` */
  portDecl = this.RULE("portDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Input) }, { ALT: () => this.CONSUME(T.Output) }]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.tensorType);
  });

  tensorType = this.RULE("tensorType", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr);
    });
    this.CONSUME(T.RBracket);
  });

  binding = this.RULE("binding", () => {
    this.SUBRULE(this.pattern);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  pattern = this.RULE("pattern", () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.Underscore) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.pattern);
            this.AT_LEAST_ONE({
              DEF: () => {
                this.CONSUME(T.Comma);
                this.SUBRULE2(this.pattern);
              },
              ERR_MSG: "',' (a tuple pattern has two or more parts)",
            });
            this.CONSUME(T.RParen);
          },
        },
      ],
      ERR_MSG: "a pattern (a name, '_' or a tuple such as (a, b))",
    });
  });

  dataDecl = this.RULE("dataDecl", () => {
    this.CONSUME(T.Data);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.declArgs));
    this.CONSUME(T.On);
    this.CONSUME2(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.trainItem));
    this.CONSUME(T.RCurly);
  });

  trainItem = this.RULE("trainItem", () => {
    this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.stepBlock) },
        { ALT: () => this.SUBRULE(this.binding) },
        { ALT: () => this.SUBRULE(this.setting) },
      ],
      ERR_MSG: "a setting (such as 'batch 64'), a binding or a step block",
    });
  });

  stepBlock = this.RULE("stepBlock", () => {
    this.CONSUME(T.Step);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR({
        DEF: [{ ALT: () => this.SUBRULE(this.binding) }, { ALT: () => this.SUBRULE(this.minimize) }],
        ERR_MSG: "a binding or 'minimize'",
      });
    });
    this.CONSUME(T.RCurly);
  });

  minimize = this.RULE("minimize", () => {
    this.CONSUME(T.Minimize);
    this.SUBRULE(this.expr);
    this.CONSUME(T.Over);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier);
    });
    this.CONSUME(T.With);
    this.SUBRULE2(this.expr);
  });

  /**
   * `key arg, arg, name: arg`. The first argument must start on the key's line (later ones may follow a
   * comma onto the next lines), so a key left without its value (`batch` alone) is one clear error in
   * to-ast, not a setting that takes the next line's key as its value.
   */
  setting = this.RULE("setting", () => {
    this.CONSUME(T.Identifier);
    this.OPTION({
      GATE: () => !this.lineBreakBefore(this.LA(1)),
      DEF: () => {
        this.SUBRULE(this.arg);
        this.MANY(() => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.arg);
        });
      },
    });
  });

  generateDecl = this.RULE("generateDecl", () => {
    this.CONSUME(T.Generate);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.declArgs));
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.setting));
    this.CONSUME(T.RCurly);
  });

  /** `(vocab: 96)` after a train or generate target. */
  declArgs = this.RULE("declArgs", () => {
    this.OR([{ ALT: () => this.CONSUME(T.CallLParen) }, { ALT: () => this.CONSUME(T.LParen) }]);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RParen);
  });

  // ---- expressions -------------------------------------------------------------------------------

  /** `additive (|> stage)*`: the pipe binds loosest. */
  expr = this.RULE("expr", () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.PipeOp);
      this.SUBRULE(this.stage);
    });
  });

  stage = this.RULE("stage", () => {
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.Repeat);
            this.SUBRULE(this.primary);
            this.SUBRULE(this.stageBody);
          },
        },
        { ALT: () => this.SUBRULE2(this.stageBody) },
      ],
      ERR_MSG: "a pipe stage (a name, a call or 'repeat')",
    });
  });

  stageBody = this.RULE("stageBody", () => {
    this.OR({
      DEF: [{ ALT: () => this.SUBRULE(this.call) }, { ALT: () => this.CONSUME(T.Identifier) }],
      ERR_MSG: "a layer or function (a name or a call)",
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.MANY(() => this.CONSUME(T.Minus));
    this.SUBRULE(this.primary);
  });

  primary = this.RULE("primary", () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(T.NumberLit) },
        { ALT: () => this.CONSUME(T.StringLit) },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.SUBRULE(this.list) },
        { ALT: () => this.SUBRULE(this.parens) },
      ],
      ERR_MSG: "an expression",
    });
  });

  call = this.RULE("call", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Step) }]);
    this.CONSUME(T.CallLParen);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RParen);
  });

  /** Zero or more arguments, an optional trailing comma; the brackets belong to the caller. */
  argList = this.RULE("argList", () => {
    this.OPTION(() => {
      this.SUBRULE(this.arg);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.arg);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
  });

  arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expr);
  });

  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.exprList);
    this.CONSUME(T.RBracket);
  });

  /** `(a)` groups, `(a, b)` is a tuple. */
  parens = this.RULE("parens", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr);
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.RParen);
  });

  exprList = this.RULE("exprList", () => {
    this.OPTION(() => {
      this.SUBRULE(this.expr);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expr);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
  });
}

/** One parser for the process: construction analyses the grammar, which is the slow part. */
export const parser = new DlmParser();
