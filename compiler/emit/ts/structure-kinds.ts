// ts-morph's `StructureKind` and `Scope` as plain constants, typed as ts-morph's own enum members.
//
// Why: the emitters build ts-morph *structures* (plain objects) but only the TS target prints them with
// ts-morph. Importing the enums from "ts-morph" as values loads ts-morph and with it the whole TypeScript
// compiler (~0.3 s of CPU) into every process that emits anything; the Wasm target prints its glue
// without it (compiler/emit/wasm/program/glue-print.ts). The values are ts-morph 28's; a test compares
// them with the real enums.

import type { Scope as ScopeEnum, StructureKind as KindEnum } from "ts-morph";

export const StructureKind = {
  Class: 2 as KindEnum.Class,
  Constructor: 5 as KindEnum.Constructor,
  Function: 13 as KindEnum.Function,
  ImportDeclaration: 16 as KindEnum.ImportDeclaration,
  Interface: 19 as KindEnum.Interface,
  Method: 26 as KindEnum.Method,
  Property: 31 as KindEnum.Property,
  PropertySignature: 33 as KindEnum.PropertySignature,
  TypeAlias: 38 as KindEnum.TypeAlias,
  VariableStatement: 41 as KindEnum.VariableStatement,
} as const;

export const Scope = {
  Public: "public" as ScopeEnum.Public,
  Protected: "protected" as ScopeEnum.Protected,
  Private: "private" as ScopeEnum.Private,
} as const;
