/** What the checker records about each `~` statement on a variable, for coverage and later phases. */
import type { Expr, ForStmt, SampleStmt } from '@emforge/dsl';
import type { DistributionSpec } from '@emforge/runtime';
import type { VarSymbol } from './symbols.js';
import type { Dim } from './value-type.js';

export interface SampleRecord {
  readonly stmt: SampleStmt;
  readonly variable: VarSymbol;
  /** The target's indices, outermost first (`y[s][t]` → [s, t]). */
  readonly indices: readonly Expr[];
  /** The enclosing loops, outermost first. */
  readonly loops: readonly ForStmt[];
  /** Absent when the distribution is unknown (already reported). */
  readonly distribution?: DistributionSpec;
  /** What each shape variable of the distribution's signature is bound to (`K` → size K). */
  readonly shapes: ReadonlyMap<string, Dim>;
  /** False when the target had an error, so the coverage of its variable is not analysed. */
  readonly analysable: boolean;
}
