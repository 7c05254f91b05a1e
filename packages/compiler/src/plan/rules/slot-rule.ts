/**
 * The common shape of the exponential-family rules: the param is exactly one argument of
 * factors of one family (possibly one element per state of a selecting latent), and its
 * update is a ratio of expected sufficient statistics. A rule file gives the family, the
 * argument, the formula and the statistics; this builds the `UpdateRule`.
 */
import type { Occurrence } from '../../analysis/graph-queries.js';
import type { SufficientStatistic } from '../inference-plan.js';
import { howIndexed, matchSlot } from './notation.js';
import type { ParamContext, UpdateRule } from './update-rule.js';

export interface SlotRuleSpec {
  readonly id: string;
  readonly family: string;
  readonly parameter: string;
  readonly matches: string;
  /** What the update is, in words (`weighted mean of the counts`). */
  readonly what: string | ((o: Occurrence, ctx: ParamContext) => string);
  readonly formula: (o: Occurrence, ctx: ParamContext) => string;
  readonly statistics: (o: Occurrence, ctx: ParamContext) => SufficientStatistic[];
}

export function makeSlotRule(spec: SlotRuleSpec): UpdateRule {
  return {
    id: spec.id,
    update: 'closed-form',
    matches: spec.matches,
    match(ctx) {
      const occurrences = matchSlot(ctx, spec.family, spec.parameter);
      const first = occurrences?.[0];
      if (!occurrences || !first) return undefined;
      return {
        reason: `${spec.parameter} of ${spec.family}, ${howIndexed(first)}: ${typeof spec.what === 'string' ? spec.what : spec.what(first, ctx)} in closed form`,
        formula: occurrences
          .map((o) => spec.formula(o, ctx))
          .filter(unique)
          .join('; '),
        statistics: occurrences
          .flatMap((o) => spec.statistics(o, ctx))
          .filter((s, i, all) => all.findIndex((t) => t.name === s.name) === i),
      };
    },
  };
}

function unique(s: string, i: number, all: readonly string[]): boolean {
  return all.indexOf(s) === i;
}
