/**
 * Lexical scopes of `let` names and plate indices. The model body is the outermost scope;
 * each `for` body opens one. Sizes and variables are not here: they are visible everywhere
 * (see declarations.ts). A `let` becomes visible after its declaration, an index only inside
 * its loop.
 */
import type { IndexSymbol, LetSymbol } from './symbols.js';

export type LocalSymbol = LetSymbol | IndexSymbol;

export class Scope {
  private readonly names = new Map<string, LocalSymbol>();

  constructor(readonly parent?: Scope) {}

  lookup(name: string): LocalSymbol | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  define(symbol: LocalSymbol): void {
    this.names.set(symbol.name, symbol);
  }

  /** Every name visible here, innermost first (for "did you mean"). */
  visibleNames(): string[] {
    return [...this.names.keys(), ...(this.parent?.visibleNames() ?? [])];
  }
}
