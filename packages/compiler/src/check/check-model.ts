/**
 * The check phase: names, scopes, types, supports, shapes and coverage of a parsed model.
 * It runs its passes in order — declarations, statements (names, types, distributions),
 * coverage, usage — and returns the AST with side tables for later phases. It never throws
 * on a user's model, however broken; `Error` nodes left by the parser are skipped quietly.
 */
import { compareDiagnostics, type Model, type NodeId, type PhaseResult, walk } from '@emforge/dsl';
import { CheckContext } from './check-context.js';
import { checkStatements } from './check-statements.js';
import { checkCoverage } from './coverage.js';
import { collectDeclarations } from './declarations.js';
import type { SampleRecord } from './sample-record.js';
import type { ModelSymbol, SymbolTable } from './symbols.js';
import { checkUsage, findUsedSymbols } from './usage.js';
import type { ValueType } from './value-type.js';

export interface CheckedModel {
  readonly ast: Model;
  readonly symbols: SymbolTable;
  /** The symbol each name reference resolves to, by the `NameRef`'s id. */
  readonly references: ReadonlyMap<NodeId, ModelSymbol>;
  /** The inferred type of each well-typed expression, by the expression's id. */
  readonly types: ReadonlyMap<NodeId, ValueType>;
  /** The `~` statements on each variable (data, latent or param), by variable name, in source order. */
  readonly samples: ReadonlyMap<string, readonly SampleRecord[]>;
}

export function checkModel(model: Model): PhaseResult<CheckedModel> {
  const ctx = new CheckContext();
  collectDeclarations(model, ctx);
  const records = checkStatements(model, ctx);
  const used = findUsedSymbols(model, ctx);
  // Where the parser had to skip a region, a missing `~` or an unused param is most likely
  // inside it: reporting those would only repeat the syntax error in other words.
  if (!containsErrorNodes(model)) {
    checkCoverage(records, used, ctx);
    checkUsage(used, records, ctx);
  }

  const samples = new Map<string, SampleRecord[]>();
  for (const r of records) samples.set(r.variable.name, [...(samples.get(r.variable.name) ?? []), r]);
  const value: CheckedModel = {
    ast: model,
    symbols: ctx.symbolTable(),
    references: ctx.references,
    types: ctx.types,
    samples,
  };
  return { value, diagnostics: [...ctx.diagnostics].sort(compareDiagnostics) };
}

function containsErrorNodes(model: Model): boolean {
  let found = false;
  walk(model, (node) => {
    if (node.kind === 'Error') found = true;
    return !found;
  });
  return found;
}
