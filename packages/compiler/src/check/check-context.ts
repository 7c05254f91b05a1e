/**
 * The state one run of the checker shares between its passes: the diagnostics reported so
 * far, the symbol table being built, and the side tables keyed by node id (which symbol a
 * name refers to, the inferred type of each expression). Passes add facts; none edits the AST.
 */
import {
  type Diagnostic,
  type DiagnosticExtras,
  type MessageSpec,
  makeDiagnostic,
  type NodeId,
  type Span,
} from '@emforge/dsl';
import type { IndexSymbol, LetSymbol, ModelSymbol, SizeSymbol, SymbolTable, VarSymbol } from './symbols.js';
import type { ValueType } from './value-type.js';

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly sizes = new Map<string, SizeSymbol>();
  readonly vars = new Map<string, VarSymbol>();
  readonly lets = new Map<NodeId, LetSymbol>();
  readonly indices = new Map<NodeId, IndexSymbol>();
  /** The symbol each resolved `NameRef` refers to, by the NameRef's id. */
  readonly references = new Map<NodeId, ModelSymbol>();
  /** The inferred type of each expression that has one, by the expression's id. */
  readonly types = new Map<NodeId, ValueType>();

  // Facts that keep one mistake from being reported again as its consequences.
  /** Symbols whose every use has an unknown type: a size or name declared wrongly. */
  readonly poisoned = new Set<ModelSymbol>();
  /** Variables not analysed for coverage and use: declared in a loop or wrongly, or hidden by another name. */
  readonly unreliable = new Set<string>();
  /** Loops with a bound in error: statements inside them are not analysed for coverage. */
  readonly brokenLoops = new Set<NodeId>();
  /** Declarations a misspelled name was probably meant to refer to: they count as used. */
  readonly suggestedUses = new Set<ModelSymbol>();

  report<A>(spec: MessageSpec<A>, span: Span, args: A, extras?: DiagnosticExtras): void {
    this.diagnostics.push(makeDiagnostic(spec, span, args, extras));
  }

  /** The default of a size, for matching literal lengths against it. */
  readonly sizeDefault = (name: string): number | undefined => this.sizes.get(name)?.defaultValue;

  /** A top-level name: a size or a variable. */
  topLevel(name: string): SizeSymbol | VarSymbol | undefined {
    return this.sizes.get(name) ?? this.vars.get(name);
  }

  symbolTable(): SymbolTable {
    return { sizes: this.sizes, vars: this.vars, lets: this.lets, indices: this.indices };
  }
}
