/**
 * The symbol table the checker builds and later phases read: every size, variable, `let`
 * and plate index with its declaration. Symbols point into the AST; the AST is never changed.
 */
import type { ForStmt, LetDecl, NameKind, NodeId, SizeItem, Span, VarDecl, VarRole } from '@emforge/dsl';
import type { ValueType } from './value-type.js';

export interface SizeSymbol {
  readonly kind: 'size';
  readonly name: string;
  readonly decl: SizeItem;
  /** For a ragged size `T[S]`: the size `S` it has one length per index of. */
  readonly over?: string;
  /** The default given as `size K = 3`, when it is a valid one. */
  readonly defaultValue?: number;
}

export interface VarSymbol {
  readonly kind: 'var';
  readonly name: string;
  readonly role: VarRole;
  readonly decl: VarDecl;
  /** Number of array dimensions (before the colon); the rest of `type.shape` is the element's. */
  readonly arrayRank: number;
  /** Undefined when the declared type was invalid (already reported). */
  readonly type: ValueType | undefined;
}

export interface LetSymbol {
  readonly kind: 'let';
  readonly name: string;
  readonly decl: LetDecl;
  /** Undefined when the value's type could not be inferred (already reported). */
  readonly type: ValueType | undefined;
}

/** A plate index: the variable of a `for`, in scope only inside its body. */
export interface IndexSymbol {
  readonly kind: 'index';
  readonly name: string;
  readonly decl: ForStmt;
  /** The size the loop runs up to (`N` in `for n in N`, `T` in `for t in 1..T[s]`), if any. */
  readonly boundSize?: string;
}

export type ModelSymbol = SizeSymbol | VarSymbol | LetSymbol | IndexSymbol;

export interface SymbolTable {
  readonly sizes: ReadonlyMap<string, SizeSymbol>;
  readonly vars: ReadonlyMap<string, VarSymbol>;
  /** By the id of the `LetDecl`. */
  readonly lets: ReadonlyMap<NodeId, LetSymbol>;
  /** By the id of the `ForStmt`. */
  readonly indices: ReadonlyMap<NodeId, IndexSymbol>;
}

/** What kind of name a symbol is, for messages. */
export function nameKind(s: ModelSymbol): NameKind {
  switch (s.kind) {
    case 'size':
      return 'size';
    case 'var':
      return s.role;
    case 'let':
      return 'let';
    case 'index':
      return 'loop index';
  }
}

/** The span of the name in the symbol's declaration. */
export function declarationSpan(s: ModelSymbol): Span {
  switch (s.kind) {
    case 'size':
    case 'var':
    case 'let':
      return s.decl.name.span;
    case 'index':
      return s.decl.index.span;
  }
}
