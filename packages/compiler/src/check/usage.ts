/**
 * Warnings about declarations nothing uses: a param no distribution mentions (other than as
 * the target of its own prior), a size, a `let`. Being the left of `~` is not a use.
 */
import { type Model, checkMessages as m, type NodeId, walk } from '@emforge/dsl';
import type { CheckContext } from './check-context.js';
import { splitTarget } from './check-statements.js';
import type { SampleRecord } from './sample-record.js';
import type { ModelSymbol } from './symbols.js';

/** The symbols something refers to, other than as the target of a `~` (which is not a use). */
export function findUsedSymbols(model: Model, ctx: CheckContext): ReadonlySet<ModelSymbol> {
  const targetBases = new Set<NodeId>();
  walk(model, (n) => {
    if (n.kind === 'Sample') targetBases.add(splitTarget(n.target).base.id);
  });
  const used = new Set<ModelSymbol>();
  for (const [id, symbol] of ctx.references) if (!targetBases.has(id)) used.add(symbol);
  for (const symbol of ctx.suggestedUses) used.add(symbol);
  for (const size of ctx.sizes.values()) {
    const parent = size.over === undefined ? undefined : ctx.sizes.get(size.over);
    if (parent) used.add(parent);
  }
  return used;
}

export function checkUsage(used: ReadonlySet<ModelSymbol>, samples: readonly SampleRecord[], ctx: CheckContext): void {
  const withPrior = new Set(samples.map((s) => s.variable));
  for (const v of ctx.vars.values()) {
    if (v.role === 'param' && !used.has(v) && !ctx.unreliable.has(v.name)) {
      ctx.report(m.unusedParam, v.decl.name.span, { name: v.name, onlyPrior: withPrior.has(v) });
    }
  }
  for (const s of ctx.sizes.values()) {
    if (!used.has(s)) ctx.report(m.unusedSize, s.decl.name.span, { name: s.name });
  }
  for (const l of ctx.lets.values()) {
    if (!used.has(l)) ctx.report(m.unusedLet, l.decl.name.span, { name: l.name });
  }
}
